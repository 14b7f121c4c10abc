namespace Axon.Samples.Fashion;

/// <summary>The main job's exit codes; scripts tell a usage mistake from a bad file from an unwritable output by them.</summary>
internal static class ExitCodes
{
    public const int Done = 0;

    /// <summary>An unknown option, a missing or malformed value (System.CommandLine reports it).</summary>
    public const int BadArguments = 2;

    /// <summary>An input file (weights, shipped samples, Fashion-MNIST) is missing or cannot be read.</summary>
    public const int InputMissing = 3;

    /// <summary>An input file is there but is not what it should be: truncated, corrupt, another model's.</summary>
    public const int InputInvalid = 4;

    /// <summary>The report or the results cannot be written where the command line says.</summary>
    public const int OutputUnwritable = 5;
}
