using System.Globalization;

namespace Axon.Gpu.Check;

/// <summary>The check's command line: --device auto|cuda|cpu, --data DIR, --limit N, --rows N, --steps N.</summary>
internal sealed record CheckSettings(DeviceChoice Device, string DataDirectory, int? Limit, int Rows, int Steps)
{
    public static CheckSettings? Parse(string[] args)
    {
        var device = DeviceChoice.Auto;
        string data = "/usr/share/datasets/fashion-mnist";
        int? limit = null;
        int rows = 0, steps = 50;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (name)
            {
                case "--device" when value is "auto" or "cuda" or "cpu":
                    device = value switch { "cuda" => DeviceChoice.Cuda, "cpu" => DeviceChoice.Cpu, _ => DeviceChoice.Auto };
                    break;
                case "--data" when value is not null:
                    data = value;
                    break;
                case "--limit" when Positive(value, out int n):
                    limit = n;
                    break;
                case "--rows" when Positive(value, out int n):
                    rows = n;
                    break;
                case "--steps" when Positive(value, out int n):
                    steps = n;
                    break;
                default:
                    Console.Error.WriteLine($"error: unknown option or bad value at '{name}'. Usage: axon-gpu-check [--device auto|cuda|cpu] [--data DIR] [--limit N] [--rows N] [--steps N]");
                    return null;
            }

            i++;
        }

        return new CheckSettings(device, data, limit, rows, steps);
    }

    private static bool Positive(string? text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
