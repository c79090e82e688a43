using System.Diagnostics;
using System.Reflection;

namespace GatoMesh.Cli.Tests;

/// <summary>
/// Runs the built gatomesh.dll (clients/GatoMesh.Cli/bin/&lt;configuration&gt;/&lt;framework&gt;/) as
/// <c>dotnet gatomesh.dll ARGS</c>, the way ./gatomesh does, and captures exit code, stdout and stderr.
/// Every run has a deadline: past it the child's whole process tree is killed and the test fails with
/// what the child had printed, so a hung command is a clear failure, never a hung test run.
/// </summary>
internal static class Gatomesh
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(90);

    /// <summary>The checkout holding GatoMesh.sln above the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Dll { get; } = FindDll();

    public static string Example(string name) => Path.Combine(RepositoryRoot, "docs", "examples", name);

    public static CliResult Run(params string[] args) => Run(new CliRun(args));

    public static CliResult Run(CliRun run)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = run.WorkingDirectory ?? RepositoryRoot,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in run.Args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in run.Environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = run.Deadline ?? DefaultDeadline;
        var clock = Stopwatch.StartNew();
        // The deadline covers the output too: a process left behind holding the pipes would otherwise hang the read.
        var finished = process.WaitForExit(deadline)
                       && Task.WaitAll([stdout, stderr], Max(deadline - clock.Elapsed, TimeSpan.FromSeconds(5)));
        if (!finished)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill; whatever holds its pipes is not its child anymore.
            }
            Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(10));
            Assert.Fail($"gatomesh {string.Join(' ', run.Args)} still ran after {deadline.TotalSeconds:F0} s; killed.\n" +
                        $"stdout:\n{Text(stdout)}\nstderr:\n{Text(stderr)}");
        }
        process.WaitForExit();
        return new CliResult(run.Args, process.ExitCode, stdout.Result, stderr.Result);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Text(Task<string> output) => output.IsCompletedSuccessfully ? output.Result : "(still held open by another process)";

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no GatoMesh.sln above {AppContext.BaseDirectory}");
    }

    private static string FindDll()
    {
        string Metadata(string key) => typeof(Gatomesh).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == key).Value!;
        var dll = Path.Combine(RepositoryRoot, "clients", "GatoMesh.Cli", "bin", Metadata("Configuration"), Metadata("TargetFramework"), "gatomesh.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the CLI is not built: {dll}", dll);
    }
}
