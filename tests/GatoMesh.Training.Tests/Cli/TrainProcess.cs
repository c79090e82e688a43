using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace GatoMesh.Training.Tests;

/// <summary>
/// <c>dotnet gatomesh.dll train ...</c> (or another command) as a child process (the built CLI, as a user
/// runs it), with its stderr collected as it arrives so a test can act on a line (a worker's pid) while
/// the job runs. Every wait has a deadline; disposing kills the whole process tree if it still runs.
/// </summary>
internal sealed class TrainProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder stdout = new();
    readonly StringBuilder stderr = new();

    public TrainProcess(params string[] args) : this(["train", .. args], null)
    {
    }

    /// <param name="command">The whole command line after gatomesh.dll.</param>
    /// <param name="environment">Variables set for the child.</param>
    public TrainProcess(IEnumerable<string> command, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var arg in command) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (stdout) return stdout.ToString(); } }
    public string Stderr { get { lock (stderr) return stderr.ToString(); } }

    /// <summary>Waits (polling, with a deadline) until <paramref name="condition"/> holds.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited) Assert.Fail($"gatomesh train exited ({process.ExitCode}) before {what}\nstderr:\n{Stderr}");
            if (clock.Elapsed > deadline) Assert.Fail($"no {what} within {deadline.TotalSeconds:F0} s\nstderr:\n{Stderr}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The pid the launcher printed for <paramref name="worker"/> ("worker w1 pid 1234").</summary>
    public int WorkerPid(string worker)
    {
        var line = Stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"worker {worker} pid ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no pid line for {worker} in\n{Stderr}");
        return int.Parse(line.Split(' ')[^1]);
    }

    public int WaitForExit(TimeSpan deadline)
    {
        if (!process.WaitForExit(deadline))
            Assert.Fail($"gatomesh train still ran after {deadline.TotalSeconds:F0} s\nstderr:\n{Stderr}");
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Waits for the exit and fails with the child's stderr unless it exited with <paramref name="code"/>.</summary>
    public void ExitsWith(int code, TimeSpan deadline)
    {
        var exit = WaitForExit(deadline);
        Assert.True(exit == code, $"gatomesh exited with {exit}, expected {code}\nstderr:\n{Stderr}");
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    static string Dll
    {
        get
        {
            string Metadata(string key) => typeof(TrainProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) dir = dir.Parent ?? throw new InvalidOperationException("no GatoMesh.sln above the tests");
            return Path.Combine(dir.FullName, "clients", "GatoMesh.Cli", "bin", Metadata("Configuration"), Metadata("TargetFramework"), "gatomesh.dll");
        }
    }
}
