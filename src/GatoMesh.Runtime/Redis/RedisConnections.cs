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
        return ConnectionMultiplexer.Connect(options);
    }
}
