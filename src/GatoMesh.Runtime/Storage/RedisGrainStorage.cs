using GatoMesh.Runtime.Redis;
using StackExchange.Redis;

namespace GatoMesh.Runtime.Storage;

/// <summary>
/// Grain state in Redis: one hash per grain at <c>{keyPrefix}{length of type}:{type}/{key}</c> (the length
/// keeps type "A/B" key "c" apart from type "A" key "B/c") with fields <c>data</c>
/// (the serialized state) and <c>etag</c>. The ETag comparison and the write run in one Lua script, so
/// of two activations writing from the same ETag (a zombie and its successor after a membership change)
/// exactly one succeeds and the other gets <see cref="InconsistentStateException"/>.
/// ETags are random GUIDs, never reused: a writer holding the ETag of a state that was cleared and
/// written again still fails.
/// </summary>
public sealed class RedisGrainStorage : IGrainStorage, IDisposable
{
    // KEYS[1] grain hash; ARGV: expected etag ('' for none), data, new etag.
    // Returns {1, new etag} on success, {0, current etag or ''} when the stored ETag differs.
    private const string WriteScript = """
        local current = redis.call('HGET', KEYS[1], 'etag') or ''
        if current ~= ARGV[1] then return {0, current} end
        redis.call('HSET', KEYS[1], 'etag', ARGV[3], 'data', ARGV[2])
        return {1, ARGV[3]}
        """;

    // KEYS[1] grain hash; ARGV: expected etag ('' for none). Same results as the write.
    private const string ClearScript = """
        local current = redis.call('HGET', KEYS[1], 'etag') or ''
        if current ~= ARGV[1] then return {0, current} end
        redis.call('DEL', KEYS[1])
        return {1, ''}
        """;

    private static readonly RedisValue[] ReadFields = ["data", "etag"];
    private readonly ConnectionMultiplexer _redis;
    private readonly string _keyPrefix;

    /// <param name="redisConfiguration">StackExchange.Redis configuration, e.g. "127.0.0.1:6379".</param>
    /// <param name="keyPrefix">Prepended to every grain's key, e.g. "gatomesh:state:local:".</param>
    public RedisGrainStorage(string redisConfiguration, string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration); // named as the caller knows it
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _redis = RedisConnections.Connect(redisConfiguration);
        _keyPrefix = keyPrefix;
    }

    private IDatabase Database => _redis.GetDatabase();

    public async Task<StoredState?> ReadAsync(GrainId grain, CancellationToken cancellation = default)
    {
        var values = await Database.HashGetAsync(KeyOf(grain), ReadFields).WaitAsync(cancellation).ConfigureAwait(false);
        if (values[1].IsNull)
            return null;
        return new StoredState((byte[])values[0]! ?? [], (string)values[1]!);
    }

    public async Task<string> WriteAsync(GrainId grain, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellation = default)
    {
        var etag = Guid.NewGuid().ToString("N");
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(WriteScript, [KeyOf(grain)],
            [expectedETag ?? "", data.ToArray(), etag]).WaitAsync(cancellation).ConfigureAwait(false))!;
        ThrowIfRejected(grain, expectedETag, result);
        return etag;
    }

    public async Task ClearAsync(GrainId grain, string? expectedETag, CancellationToken cancellation = default)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ClearScript, [KeyOf(grain)],
            [expectedETag ?? ""]).WaitAsync(cancellation).ConfigureAwait(false))!;
        ThrowIfRejected(grain, expectedETag, result);
    }

    public void Dispose() => _redis.Dispose();

    /// <summary>The Redis key of a grain's state (docs/MEMBERSHIP.md, "Grain state").</summary>
    internal RedisKey KeyOf(GrainId grain) => $"{_keyPrefix}{grain.Type.Length}:{grain.Type}/{grain.Key}";

    private static void ThrowIfRejected(GrainId grain, string? expectedETag, RedisResult[] result)
    {
        if ((long)result[0] == 1)
            return;
        var actual = (string)result[1]!;
        throw new InconsistentStateException(grain, expectedETag, actual.Length == 0 ? null : actual);
    }
}
