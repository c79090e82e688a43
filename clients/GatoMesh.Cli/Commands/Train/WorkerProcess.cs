using System.Diagnostics;

namespace GatoMesh.Cli;

/// <summary>
/// One <c>gatomesh train worker</c> child process: started with this very executable, its output
/// forwarded to stderr line by line with its id in front (stdout stays the caller's JSON), and its exit
/// reported once through <c>exited</c> (the launcher tells the coordinator; a kill -9 is seen here).
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    readonly Process process;

    WorkerProcess(string id, Process process)
    {
        Id = id;
        this.process = process;
    }

    public string Id { get; }
    public int Pid => process.Id;

    /// <param name="cluster">How the worker's silo joins the job's cluster (train worker's options).</param>
    /// <param name="adminKey">Passed in the environment, never on the command line (process listings show that).</param>
    public static WorkerProcess Start(string id, IEnumerable<string> cluster, string adminKey, string jobId, Action<string, int> exited)
    {
        var self = SelfCommand.Arguments();
        var info = new ProcessStartInfo(self[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in self.Skip(1))
            info.ArgumentList.Add(arg);
        foreach (var arg in (string[])["train", "worker", .. cluster, "--job", jobId, "--worker-id", id])
            info.ArgumentList.Add(arg);
        info.Environment[TrainWorkerCommand.AdminKeyVariable] = adminKey;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(id, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(id, e.Data);
        process.Exited += (_, _) => exited(id, process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(id, process);
    }

    static void Forward(string id, string? line)
    {
        if (line is not null) Console.Error.WriteLine($"[{id}] {line}");
    }

    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    /// <summary>Waits for the process to end by itself; after <paramref name="grace"/> it is killed.</summary>
    public async Task WaitForExitAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
