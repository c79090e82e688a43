using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>The conformance suite against a real redis-server; each test gets its own cluster id.</summary>
public sealed class RedisMembershipTableConformance(RedisServerFixture redis)
    : MembershipTableConformance, IClassFixture<RedisServerFixture>
{
    protected override Task<IMembershipTable> CreateTableAsync() =>
        Task.FromResult<IMembershipTable>(new RedisMembershipTable(redis.Configuration, $"conformance-{Guid.NewGuid():N}"));

    [Fact]
    public async Task Clusters_with_different_ids_do_not_see_each_other()
    {
        using var other = new RedisMembershipTable(redis.Configuration, $"other-{Guid.NewGuid():N}");
        Assert.True(await Table.InsertAsync(Entry(11111), 0));

        Assert.Empty((await other.ReadAllAsync()).Rows);
    }
}
