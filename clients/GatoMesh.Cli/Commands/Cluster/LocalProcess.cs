using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace GatoMesh.Cli;

/// <summary>
/// A process of a local development cluster, identified by its pid and its start time in the kernel's
/// clock ticks (/proc/PID/stat, field 22): a pid alone may be reused by an unrelated process by the time
/// `gatomesh cluster down` runs, and the pair never is.
/// </summary>
internal sealed record LocalProcess(int Pid, long StartTime, string Log)
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Starts <paramref name="program"/> detached from this process' standard streams (stdin from
    /// /dev/null, stdout and stderr into <paramref name="log"/>), so it outlives this process and never writes
    /// into a pipe the caller reads.</summary>
    internal static LocalProcess Start(string program, IEnumerable<string> arguments, string log)
    {
        // bash execs the program in place, so the pid we record is the program's own.
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >\"$0\" 2>&1 </dev/null");
        start.ArgumentList.Add(log);
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new LocalClusterException($"could not start {program}");
        return new LocalProcess(process.Id, StartTimeOf(process.Id) ?? 0, log);
    }

    /// <summary>Whether the recorded process still runs (a zombie or a different process under the same pid does not).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRunning => Stat(Pid) is { } stat && stat.State is not ('Z' or 'X') && stat.StartTime == StartTime;

    /// <summary>SIGTERM, then SIGKILL if it is still running after <paramref name="grace"/>.
    /// Returns how it ended: "gone" (was not running), "stopped" (on SIGTERM) or "killed".</summary>
    internal async Task<string> StopAsync(TimeSpan grace)
    {
        if (!IsRunning)
            return "gone";
        _ = Kill(Pid, SigTerm);
        if (await ExitedWithinAsync(grace).ConfigureAwait(false))
            return "stopped";
        if (IsRunning)
            _ = Kill(Pid, SigKill);
        await ExitedWithinAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return "killed";
    }

    /// <summary>kill -9: no goodbye, nothing flushed (what a crash looks like to the rest of the cluster).</summary>
    public void Kill()
    {
        if (IsRunning) _ = Kill(Pid, SigKill);
    }

    /// <summary>The last lines of the process' log, to explain a failure.</summary>
    internal string LogTail(int lines = 20)
    {
        try
        {
            return string.Join('\n', File.ReadLines(Log).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (IsRunning)
        {
            if (DateTime.UtcNow > end)
                return false;
            await Task.Delay(50).ConfigureAwait(false);
        }
        return true;
    }

    internal static long? StartTimeOf(int pid) => Stat(pid)?.StartTime;

    private static (char State, long StartTime)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ..." where comm may hold spaces and parentheses: fields resume after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        return (fields[0][0], long.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
