using StackExchange.Redis;

namespace GatoMesh.Runtime.Redis;

/// <summary>How every Redis provider of the runtime (membership, grain storage) connects.</summary>
internal static class RedisConnections
{
    /// <param name="configuration">StackExchange.Redis configuration, e.g. "127.0.0.1:6379".</param>
    public static ConnectionMultiplexer Connect(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        // A silo may start before Redis answers; keep reconnecting instead of failing the constructor.
        options.AbortOnConnectFail = false;
        var multiplexer = ConnectionMultiplexer.Connect(options);
        // Connect returns once its own wait ends even when the handshake is still in flight (a loaded machine), and
        // a command issued then fails at once with "No connection is available". Give a reachable Redis up to the
        // connect timeout to finish; an unreachable one still leaves a multiplexer that keeps reconnecting.
        SpinWait.SpinUntil(() => multiplexer.IsConnected, options.ConnectTimeout);
        return multiplexer;
    }
}
