using System.Diagnostics;

namespace GatoMesh.Torch.Tests;

/// <summary>A child process a test starts (the PyTorch reference, a distributed peer): its output is
/// collected as it runs, waiting is bounded by a deadline, and it is killed if the test leaves early.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;

    private ChildProcess(Process process)
    {
        this.process = process;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Debian's Python, which has torch (the pyenv python3 on PATH does not).</summary>
    public const string Python = "/usr/bin/python3";

    public static ChildProcess Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}"));
    }

    /// <summary>Waits for the exit; kills the process and throws if it outlives <paramref name="timeout"/>.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} did not exit within {timeout}; stderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs to completion and returns stdout, failing with stderr if the exit code is not 0.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, string file, params string[] arguments)
    {
        using var child = Start(file, arguments);
        var (code, output, errors) = await child.WaitAsync(timeout);
        if (code != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {code}: {errors}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited between the check and the kill
        }
        process.Dispose();
    }
}
