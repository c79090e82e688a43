using System.Buffers.Binary;
using System.Net.Sockets;
using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Transport;

/// <summary>Bad bytes on a socket cost that connection only: it is closed, the silo keeps serving.</summary>
public sealed class MalformedFrameTests : IAsyncLifetime
{
    private SiloHost _silo = null!;
    private readonly RecordingLoggers _logs = new();

    public async Task InitializeAsync()
    {
        _silo = await SiloHost.StartAsync(new SiloOptions { MaxFrameBytes = 64 * 1024 }, _logs);
    }

    public async Task DisposeAsync() => await _silo.StopAsync();

    private static byte[] Frame(byte version, byte kind, byte[] body)
    {
        var frame = new byte[6 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(2 + body.Length));
        frame[4] = version;
        frame[5] = kind;
        body.CopyTo(frame, 6);
        return frame;
    }

    /// <summary>Sends raw bytes to a port and reports whether the silo closed the connection (read returns 0).</summary>
    private static async Task<bool> ClosedAfterSending(int port, byte[] bytes, bool halfClose = false)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.SendAsync(bytes);
        if (halfClose) socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[256];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (n == 0) return true;
            }
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task SiloStillServes()
    {
        await using var client = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{_silo.GatewayPort}"] });
        Assert.Equal("alive:ok", await client.GetGrain<ICounterGrain>("alive").Echo("ok"));
    }

    /// <summary>(case, bytes, what the log line must say).</summary>
    public static TheoryData<string, byte[], string> BadFrames => new()
    {
        { "oversized length", BitConverter.GetBytes(10 * 1024 * 1024), "exceeds the limit of 65536 bytes" },
        { "length below header", [1, 0, 0, 0, 1], "below the 2-byte header" },
        { "unknown version", Frame(9, 1, new byte[16]), "frame version 9" },
        { "unknown kind", Frame(1, 77, new byte[16]), "frame kind 77 is unknown" },
        { "request body cut short", Frame(1, 1, [1, 2, 3]), "malformed Request frame" },
        { "response body cut short", Frame(1, 2, [1]), "malformed Response frame" },
        { "string length lying", Frame(1, 1, [.. new byte[17], 0xff, 0xff, 0xff, 0x7f]), "malformed Request frame" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task A_bad_frame_on_the_silo_port_closes_the_connection_logs_why_and_the_silo_lives(string what, byte[] bytes, string logged)
    {
        Assert.True(await ClosedAfterSending(_silo.Address.Port, bytes), what);
        Assert.Contains(_logs.Warnings, w => w.Contains(logged));
        await SiloStillServes();
    }

    [Fact]
    public async Task A_bad_frame_on_the_gateway_port_closes_the_connection_and_the_silo_lives()
    {
        Assert.True(await ClosedAfterSending(_silo.GatewayPort, Frame(1, 1, [1, 2, 3])));
        await SiloStillServes();
    }

    [Fact]
    public async Task A_frame_truncated_by_the_peer_closing_is_dropped_and_the_silo_lives()
    {
        var whole = Frame(1, 3, new byte[16]);
        Assert.True(await ClosedAfterSending(_silo.Address.Port, whole[..10], halfClose: true));
        await Eventually.True(() => _logs.Warnings.Any(w => w.Contains("truncated frame")), "the truncation is logged");
        await SiloStillServes();
    }

    [Fact]
    public async Task A_call_whose_arguments_exceed_the_frame_limit_fails_with_a_typed_error()
    {
        await using var client = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{_silo.GatewayPort}"], MaxFrameBytes = 64 * 1024 });
        var grain = client.GetGrain<ICounterGrain>("big");
        await Assert.ThrowsAsync<Runtime.Transport.MessageTooLargeException>(() => grain.Echo(new string('x', 100_000)).AsTask());
        Assert.Equal("big:small", await grain.Echo("small"));
    }
}
