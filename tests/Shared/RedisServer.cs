using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GatoMesh.Testing;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, without persistence, owned by one test run.
/// It is started under a bash watchdog that kills it as soon as this test process is gone, so a
/// test host that crashes or is killed -9 leaves no orphaned server behind; a normal exit kills it
/// from <see cref="AppDomain.ProcessExit"/>, and <see cref="DisposeAsync"/> kills it at once.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private readonly Process process;
    private readonly EventHandler onProcessExit;
    private int disposed;

    private RedisServer(Process process, int port)
    {
        this.process = process;
        Port = port;
        onProcessExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += onProcessExit;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string: "127.0.0.1:port".</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server and returns once it answers PING; throws with its output if it does not within the deadline.</summary>
    public static Task<RedisServer> StartAsync() => StartAsync(Environment.ProcessId);

    /// <summary>Starts a server that stops by itself when process <paramref name="ownerProcessId"/> ends.</summary>
    internal static async Task<RedisServer> StartAsync(int ownerProcessId)
    {
        // Another process can take the port between our probe and redis' bind; then redis exits and we try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            var output = new StringBuilder();
            var process = Launch(port, ownerProcessId, output);
            var server = new RedisServer(process, port);
            try
            {
                await server.WaitForPingAsync(output).ConfigureAwait(false);
                return server;
            }
            catch (RedisServerExitedException) when (attempt < 3)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= onProcessExit;
            Kill();
            this.process.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        try
        {
            if (this.process.HasExited)
                return;
            // SIGTERM lets the bash watchdog stop redis and reap it; SIGKILL of the whole tree is the
            // fallback, which leaves the children to an init that may never reap them.
            Signals.Terminate(this.process.Id);
            if (!this.process.WaitForExit(5000))
            {
                this.process.Kill(entireProcessTree: true);
                this.process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static Process Launch(int port, int ownerProcessId, StringBuilder output)
    {
        // The watchdog: bash runs redis-server and `tail --pid` on the owning (test) process; whichever
        // ends first, bash stops the other. Killing the owner therefore stops redis too.
        var script = $$"""
            redis-server --bind 127.0.0.1 --port {{port}} --save '' --appendonly no --daemonize no --loglevel warning &
            redis=$!
            tail --pid={{ownerProcessId}} -f /dev/null &
            watchdog=$!
            stop() { kill $redis $watchdog 2>/dev/null; wait; }
            trap 'stop; exit 0' TERM INT
            trap stop EXIT
            wait -n $redis $watchdog
            """;
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash for redis-server");
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output)
                if (output.Length < 16_000) output.AppendLine(e.Data);
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitForPingAsync(StringBuilder output)
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            if (this.process.HasExited)
                throw new RedisServerExitedException($"redis-server on port {Port} exited during start: {Text(output)}");
            if (await AnswersPingAsync().ConfigureAwait(false))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"redis-server on port {Port} did not answer PING within {StartDeadline.TotalSeconds} s: {Text(output)}");
            // Polling interval between connection attempts while the server binds its port.
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the server answers PING now (one attempt, two-second timeout).</summary>
    public async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }

    private static class Signals
    {
        private const int SigTerm = 15;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        public static void Terminate(int pid) => Kill(pid, SigTerm);
    }

    private sealed class RedisServerExitedException(string message) : Exception(message);
}

/// <summary>xunit class fixture: one <see cref="RedisServer"/> shared by the tests of a class, which
/// keep apart from each other by using distinct keys (cluster ids, key prefixes).</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? server;

    public RedisServer Server => this.server ?? throw new InvalidOperationException("the redis fixture has not started");

    public string Configuration => Server.Configuration;

    public async Task InitializeAsync() => this.server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (this.server is not null)
            await this.server.DisposeAsync();
    }
}
