using Spectre.Console;

namespace Axon.Samples.Fashion;

/// <summary>
/// The console the job's progress, summaries and tables go to. Spectre.Console wraps every line at the console's
/// width, and when the output is not a terminal (piped, redirected to a file, a test's writer) it has no width to
/// read and assumes 80 columns, which broke the one-line summaries apart; so off a terminal lines are never wrapped.
/// </summary>
internal static class JobConsole
{
    /// <summary>The width used off a terminal: wider than any line the job writes, so nothing wraps.</summary>
    public const int UnwrappedWidth = 32_767;

    /// <summary>A console writing to <paramref name="output"/>; it wraps at the window's width only on a terminal.</summary>
    public static IAnsiConsole Create(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!terminal) console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
