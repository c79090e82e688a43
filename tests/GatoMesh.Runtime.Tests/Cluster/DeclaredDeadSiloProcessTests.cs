using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Cluster;

/// <summary>A silo process that the cluster declared dead ends itself with a distinct exit code, so a
/// supervisor restarts it as a new incarnation instead of leaving a process that refuses everything.</summary>
public sealed class DeclaredDeadSiloProcessTests
{
    /// <summary>The test silo's exit code for "declared dead by the cluster" (0 is a requested stop, 2 bad usage).</summary>
    private const int DeclaredDeadExitCode = 3;

    [Fact]
    public async Task A_silo_frozen_until_its_peer_declares_it_dead_exits_with_the_declared_dead_code_when_it_resumes()
    {
        await using var redis = await RedisServer.StartAsync();
        string cluster = $"d{Environment.ProcessId}";
        await using var survivor = await SiloProcess.StartAsync(redis.Configuration, cluster);
        await using var frozen = await SiloProcess.StartAsync(redis.Configuration, cluster);
        using var table = new RedisMembershipTable(redis.Configuration, cluster);

        frozen.Pause();
        await Eventually.True(async () =>
            (await table.ReadAllAsync()).Rows.Any(r => r.Entry.Silo == frozen.Address && r.Entry.Status == SiloStatus.Dead),
            "the survivor declares the frozen silo dead", TimeSpan.FromSeconds(30));
        frozen.Resume();

        Assert.Equal(DeclaredDeadExitCode, await frozen.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(frozen.ErrorLines, l => l.Contains("declared dead by the cluster; exiting"));
    }
}
