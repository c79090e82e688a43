using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GatoMesh.Testing;

/// <summary>A repository executable started as a child process (<c>dotnet ASSEMBLY args</c>) and
/// considered up once it printed a ready line on stdout; its stderr is collected as its log.</summary>
internal static class ReadyLineProcess
{
    /// <summary>An executable's build output in this checkout, in this test assembly's configuration.</summary>
    public static string BuiltAssembly(string projectFolder, string assemblyName)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent!.Name; // .../bin/<Configuration>/net10.0/
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) dir = dir.Parent;
        if (dir is null) throw new FileNotFoundException("repository root (GatoMesh.sln) not found above the test output");
        var dll = Path.Combine(dir.FullName, projectFolder, "bin", configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{assemblyName} not built: {dll}");
    }

    /// <summary>Starts the process and returns it with the ready line's match once it appears; kills it and
    /// throws (with its log) if it exits first or the deadline passes.</summary>
    public static async Task<(Process Process, Match Ready, ConcurrentQueue<string> Log)> StartAsync(
        string assembly, IEnumerable<string> arguments, Regex ready, TimeSpan deadline, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>()) info.Environment[variable] = value;
        var process = Process.Start(info)!;
        var log = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) log.Enqueue(e.Data);
        };
        process.BeginErrorReadLine();
        var name = Path.GetFileNameWithoutExtension(assembly);
        using var cancel = new CancellationTokenSource(deadline);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{name} did not print its ready line within {deadline.TotalSeconds} s: {string.Join('\n', log)}");
            }
            if (line is null)
                throw new InvalidOperationException($"{name} exited with code {(process.WaitForExit(5000) ? process.ExitCode : -1)} before it was ready: {string.Join('\n', log)}");
            var m = ready.Match(line);
            if (!m.Success) continue;
            _ = DrainAsync(process);
            return (process, m, log);
        }
    }

    // Nobody reads stdout after the ready line; draining keeps the pipe from filling and blocking the child.
    private static async Task DrainAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is not null)
        {
        }
    }
}
