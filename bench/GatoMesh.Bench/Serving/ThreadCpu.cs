namespace GatoMesh.Bench.Serving;

/// <summary>
/// Where the process's CPU time goes, by thread role: Linux names every thread (/proc/self/task/TID/comm,
/// 15 characters) and counts its user and system time (/proc/self/task/TID/stat, fields 14 and 15, in
/// clock ticks). Two readings around a run give each role's CPU seconds: the engine thread, its
/// attention helpers, the thread pool (grain turns, gateway, client, agents), GC, and any other thread
/// under its own name (the socket poller, JIT, the main thread).
/// </summary>
internal static class ThreadCpu
{
    const double TicksPerSecond = 100; // USER_HZ on Linux

    public static Dictionary<string, double> Read()
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc/self/task"))
            return seconds;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // The name in stat may hold spaces; the fields after it start after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
                var role = Role(name);
                seconds[role] = seconds.GetValueOrDefault(role) + ticks / TicksPerSecond;
            }
            catch (IOException)
            {
                // The thread ended between listing and reading: its time is gone from both readings' view.
            }
        }
        return seconds;
    }

    public static Dictionary<string, double> Since(Dictionary<string, double> before)
    {
        var after = Read();
        return after.ToDictionary(e => e.Key, e => Math.Round(e.Value - before.GetValueOrDefault(e.Key), 2));
    }

    static string Role(string name) => name switch
    {
        _ when name.StartsWith("gatomesh-infer", StringComparison.Ordinal) => "engine",
        _ when name.StartsWith("gatomesh-atten", StringComparison.Ordinal) => "attention_helpers",
        _ when name.StartsWith(".NET TP", StringComparison.Ordinal) || name.StartsWith(".NET ThreadPool", StringComparison.Ordinal) => "thread_pool",
        _ when name.Contains("GC", StringComparison.Ordinal) => "gc",
        _ => name,
    };
}
