using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Storage;

/// <summary>The storage conformance suite against a real redis-server; each test gets its own key prefix.</summary>
public sealed class RedisGrainStorageConformance(RedisServerFixture redis)
    : GrainStorageConformance, IClassFixture<RedisServerFixture>
{
    protected override IGrainStorage CreateStorage() =>
        new RedisGrainStorage(redis.Configuration, $"test:{Guid.NewGuid():N}:");

    [Fact]
    public async Task State_survives_a_new_connection()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var grain = new GrainId("Counter", "kept");
        string etag;
        using (var first = new RedisGrainStorage(redis.Configuration, prefix))
            etag = await first.WriteAsync(grain, new byte[] { 4, 2 }, null);

        using var second = new RedisGrainStorage(redis.Configuration, prefix);
        var stored = await second.ReadAsync(grain);

        Assert.Equal(new byte[] { 4, 2 }, stored!.Data);
        Assert.Equal(etag, stored.ETag);
    }
}
