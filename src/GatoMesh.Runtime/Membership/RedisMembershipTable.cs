using GatoMesh.Runtime.Redis;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace GatoMesh.Runtime.Membership;

/// <summary>
/// The membership table of a cluster, in one Redis hash per cluster id (docs/MEMBERSHIP.md, "Layout"):
/// <c>version</c> holds the table version; per silo, <c>row:{silo}</c> holds the entry as JSON,
/// <c>etag:{silo}</c> its ETag and <c>alive:{silo}</c> its last heartbeat (UTC ticks).
/// Every conditional write is one Lua script, so the version and ETag checks and the write are a
/// single atomic step on the server: of several silos racing to change the same row from the same
/// read, exactly one succeeds (Orleans' optimistic table protocol).
/// Heartbeats go to their own field so that they neither bump the version nor change the ETag:
/// liveness writes never make a membership change fail, and a membership change that carries an older
/// IAmAliveTime never hides a newer heartbeat (reads take the later of the two).
/// </summary>
public sealed class RedisMembershipTable : IMembershipTable, IDisposable
{
    // KEYS[1] hash; ARGV: expected version, row field, etag field, alive field, row json, alive ticks.
    // Returns the new version, or -1 when the version moved, or -2 when the row already exists.
    private const string InsertScript = """
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return -1 end
        if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return -2 end
        version = version + 1
        redis.call('HSET', KEYS[1], 'version', version, ARGV[2], ARGV[5], ARGV[3], version, ARGV[4], ARGV[6])
        return version
        """;

    // KEYS[1] hash; ARGV: expected version, row field, etag field, row json, expected etag.
    // Returns the new version, or -1 when the version moved, or -2 when the row is missing or its ETag differs.
    private const string UpdateScript = """
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return -1 end
        if redis.call('HGET', KEYS[1], ARGV[3]) ~= ARGV[5] then return -2 end
        version = version + 1
        redis.call('HSET', KEYS[1], 'version', version, ARGV[2], ARGV[4], ARGV[3], version)
        return version
        """;

    // KEYS[1] hash; ARGV: row field, alive field, alive ticks. A heartbeat for a row that is not in the
    // table (never inserted, or cleared) is dropped rather than leaving an orphan field behind.
    private const string IAmAliveScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        return 1
        """;

    // KEYS[1] hash. Removes every row but keeps counting versions, so a write based on a read from
    // before the clear still fails.
    private const string ClearScript = """
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'version', version + 1)
        return version + 1
        """;

    private const string VersionField = "version";
    private const string RowPrefix = "row:";
    private const string ETagPrefix = "etag:";
    private const string AlivePrefix = "alive:";

    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey _key;

    /// <param name="redisConfiguration">StackExchange.Redis configuration, e.g. "127.0.0.1:6379".</param>
    /// <param name="clusterId">Separates clusters sharing one Redis; the hash key is <c>gatomesh:membership:{clusterId}</c>.</param>
    public RedisMembershipTable(string redisConfiguration, string clusterId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration); // named as the caller knows it
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        _redis = RedisConnections.Connect(redisConfiguration);
        _key = KeyOf(clusterId);
    }

    /// <summary>The Redis key holding a cluster's table (docs/MEMBERSHIP.md, "Layout").</summary>
    public static string KeyOf(string clusterId) => $"gatomesh:membership:{clusterId}";

    private IDatabase Database => _redis.GetDatabase();

    public async Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellation = default)
    {
        var fields = await Database.HashGetAllAsync(_key).WaitAsync(cancellation).ConfigureAwait(false);
        long version = 0;
        var rows = new Dictionary<string, string>();
        var etags = new Dictionary<string, string>();
        var alive = new Dictionary<string, long>();
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name == VersionField)
                version = (long)field.Value;
            else if (name.StartsWith(RowPrefix, StringComparison.Ordinal))
                rows[name[RowPrefix.Length..]] = (string)field.Value!;
            else if (name.StartsWith(ETagPrefix, StringComparison.Ordinal))
                etags[name[ETagPrefix.Length..]] = (string)field.Value!;
            else if (name.StartsWith(AlivePrefix, StringComparison.Ordinal))
                alive[name[AlivePrefix.Length..]] = (long)field.Value;
        }

        var result = new List<MembershipRow>(rows.Count);
        foreach (var (silo, json) in rows)
        {
            var entry = JsonSerializer.Deserialize(json, MembershipJson.Default.MembershipEntry)
                ?? throw new InvalidDataException($"membership row '{silo}' in {_key} is empty");
            if (alive.TryGetValue(silo, out var ticks) && ticks > entry.IAmAliveTime.UtcTicks)
                entry = entry with { IAmAliveTime = new DateTimeOffset(ticks, TimeSpan.Zero) };
            if (!etags.TryGetValue(silo, out var etag))
                throw new InvalidDataException($"membership row '{silo}' in {_key} has no ETag field");
            result.Add(new MembershipRow(entry, etag));
        }
        return new MembershipSnapshot(version, result);
    }

    public async Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellation = default)
    {
        var silo = FieldOf(entry.Silo);
        var result = await Database.ScriptEvaluateAsync(InsertScript, [_key],
        [
            expectedVersion,
            RowPrefix + silo,
            ETagPrefix + silo,
            AlivePrefix + silo,
            JsonSerializer.Serialize(entry, MembershipJson.Default.MembershipEntry),
            entry.IAmAliveTime.UtcTicks,
        ]).WaitAsync(cancellation).ConfigureAwait(false);
        return (long)result > 0;
    }

    public async Task<bool> UpdateAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        var silo = FieldOf(entry.Silo);
        var result = await Database.ScriptEvaluateAsync(UpdateScript, [_key],
        [
            expectedVersion,
            RowPrefix + silo,
            ETagPrefix + silo,
            JsonSerializer.Serialize(entry, MembershipJson.Default.MembershipEntry),
            etag,
        ]).WaitAsync(cancellation).ConfigureAwait(false);
        return (long)result > 0;
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellation = default)
    {
        var field = FieldOf(silo);
        return Database.ScriptEvaluateAsync(IAmAliveScript, [_key],
            [RowPrefix + field, AlivePrefix + field, time.UtcTicks]).WaitAsync(cancellation);
    }

    public Task ClearAsync(CancellationToken cancellation = default) =>
        Database.ScriptEvaluateAsync(ClearScript, [_key]).WaitAsync(cancellation);

    public void Dispose() => _redis.Dispose();

    private static string FieldOf(SiloAddress silo) =>
        string.Create(CultureInfo.InvariantCulture, $"{silo.Host}:{silo.Port}@{silo.Generation}");
}
