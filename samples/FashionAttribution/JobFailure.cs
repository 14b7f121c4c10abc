namespace Axon.Samples.Fashion;

/// <summary>
/// A failure the user can fix (a missing or broken input file, an unwritable output path): the main job prints its
/// one-line message and exits with <see cref="ExitCode"/>, with no stack trace.
/// </summary>
internal sealed class JobFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
