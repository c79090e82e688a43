namespace GatoMesh.Bench;

/// <summary>The machine's load average (/proc/loadavg, 1, 5 and 15 minutes): the machine is shared, so
/// every result records the load it was measured under.</summary>
internal static class LoadAverage
{
    public static string Now() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
