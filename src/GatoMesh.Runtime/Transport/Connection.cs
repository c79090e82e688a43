using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Serialization;

namespace GatoMesh.Runtime.Transport;

/// <summary>
/// One TCP connection carrying frames both ways. Reads go through a PipeReader (System.IO.Pipelines)
/// so frames are parsed from pooled segments; writes are queued by any thread and one writer loop
/// copies every frame waiting into one batch per socket send, so many small calls share a syscall.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    private const int BatchBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly IFrameHandler _handler;
    private readonly RuntimeLog _log;
    private readonly int _maxFrameBytes;
    private readonly Channel<OutgoingFrame> _outgoing =
        Channel.CreateUnbounded<OutgoingFrame>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closeStarted;
    private Task _loops = Task.CompletedTask;

    public Connection(Socket socket, IFrameHandler handler, RuntimeLog log, int maxFrameBytes, bool isGateway)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _handler = handler;
        _log = log;
        _maxFrameBytes = maxFrameBytes;
        IsGateway = isGateway;
        Remote = socket.RemoteEndPoint?.ToString() ?? "(unknown)";
    }

    public string Remote { get; }

    /// <summary>Accepted on a gateway port: requests may name generation 0 (any incarnation).</summary>
    public bool IsGateway { get; }

    public bool IsClosed => Volatile.Read(ref _closeStarted) != 0;

    public Task Closed => _closed.Task;

    public void Start()
    {
        _loops = Task.WhenAll(Task.Run(ReadLoopAsync), Task.Run(WriteLoopAsync));
    }

    /// <summary>Queues a frame built by <see cref="Frames.Start"/>; returns false (and drops it) if the
    /// connection is closed. Throws <see cref="MessageTooLargeException"/> over the size limit.</summary>
    public bool Send(WireWriter frame)
    {
        int length = Frames.Finish(frame);
        if (length - Frames.LengthPrefix > _maxFrameBytes)
        {
            frame.ReturnBuffer();
            throw new MessageTooLargeException(length, _maxFrameBytes);
        }
        if (IsClosed || !_outgoing.Writer.TryWrite(new OutgoingFrame(frame.Detach(), length)))
            return false;
        return true;
    }

    private async Task WriteLoopAsync()
    {
        var batch = ArrayPool<byte>.Shared.Rent(BatchBytes);
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token))
            {
                int filled = 0;
                while (reader.TryRead(out var frame))
                {
                    if (frame.Length > batch.Length - filled)
                    {
                        if (filled > 0) await SendAllAsync(batch.AsMemory(0, filled));
                        filled = 0;
                    }
                    if (frame.Length > batch.Length)
                        await SendAllAsync(frame.Buffer.AsMemory(0, frame.Length));
                    else
                    {
                        frame.Buffer.AsSpan(0, frame.Length).CopyTo(batch.AsSpan(filled));
                        filled += frame.Length;
                    }
                    ArrayPool<byte>.Shared.Return(frame.Buffer);
                }
                if (filled > 0) await SendAllAsync(batch.AsMemory(0, filled));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Close(e is OperationCanceledException ? null : e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
            while (reader.TryRead(out var frame)) ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, _closing.Token);
            if (sent == 0) throw new SocketException((int)SocketError.ConnectionReset);
            bytes = bytes[sent..];
        }
    }

    private async Task ReadLoopAsync()
    {
        var stream = new NetworkStream(_socket, ownsSocket: false);
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                while (TryTakeFrame(ref buffer, out var frame))
                    Dispatch(frame);
                pipe.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                        throw new FrameRejectedException($"truncated frame: connection ended with {buffer.Length} bytes of an incomplete frame");
                    break;
                }
            }
        }
        catch (FrameRejectedException e)
        {
            _log.ConnectionRejected(Remote, e.Message);
            error = e;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            error = e is OperationCanceledException ? null : e;
        }
        catch (Exception e)
        {
            // A defect in a handler must cost this connection only, never the silo.
            _log.ConnectionRejected(Remote, $"frame handler failed: {e}");
            error = e;
        }
        finally
        {
            await pipe.CompleteAsync();
            Close(error);
        }
    }

    /// <summary>Cuts one whole frame off the front of <paramref name="buffer"/>, copied into its own array.</summary>
    private bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out byte[] frame)
    {
        frame = [];
        if (buffer.Length < Frames.LengthPrefix) return false;
        Span<byte> prefix = stackalloc byte[Frames.LengthPrefix];
        buffer.Slice(0, Frames.LengthPrefix).CopyTo(prefix);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length < 2)
            throw new FrameRejectedException($"frame length {length} is below the 2-byte header");
        if (length > (uint)_maxFrameBytes)
            throw new FrameRejectedException($"frame length {length} exceeds the limit of {_maxFrameBytes} bytes");
        if (buffer.Length < Frames.LengthPrefix + length) return false;
        frame = buffer.Slice(Frames.LengthPrefix, length).ToArray();
        buffer = buffer.Slice(Frames.LengthPrefix + length);
        return true;
    }

    private void Dispatch(byte[] frame)
    {
        if (frame[0] != Frames.Version)
            throw new FrameRejectedException($"frame version {frame[0]} is not the supported version {Frames.Version}");
        var kind = (FrameKind)frame[1];
        if (!Enum.IsDefined(kind))
            throw new FrameRejectedException($"frame kind {frame[1]} is unknown");
        var body = frame.AsMemory(2);
        try
        {
            _handler.OnFrame(this, kind, new WireReader(body), body);
        }
        catch (WireFormatException e)
        {
            throw new FrameRejectedException($"malformed {kind} frame: {e.Message}");
        }
    }

    /// <summary>Closes the socket once; the handler hears about it exactly once.</summary>
    public void Close(Exception? error = null)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0) return;
        _outgoing.Writer.TryComplete();
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        _socket.Dispose();
        _log.ConnectionLost(Remote, error);
        _handler.OnClosed(this, error);
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _loops.ConfigureAwait(false);
    }

    private readonly record struct OutgoingFrame(byte[] Buffer, int Length);
}

/// <summary>The peer sent bytes that are not a valid frame; the connection is closed.</summary>
internal sealed class FrameRejectedException(string message) : Exception(message);

/// <summary>A message would exceed the transport's frame size limit and was not sent.</summary>
public sealed class MessageTooLargeException(int bytes, int limit)
    : GrainRuntimeException($"message of {bytes} bytes exceeds the frame size limit of {limit} bytes");
