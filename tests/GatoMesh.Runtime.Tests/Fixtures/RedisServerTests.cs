using System.Diagnostics;

namespace GatoMesh.Runtime.Tests.Fixtures;

/// <summary>The test redis-server never outlives what owns it.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task A_started_server_answers_and_is_gone_after_dispose()
    {
        var server = await RedisServer.StartAsync();
        Assert.True(await server.AnswersPingAsync());

        await server.DisposeAsync();

        Assert.False(await server.AnswersPingAsync());
    }

    [Fact]
    public async Task A_server_stops_by_itself_when_its_owning_process_is_killed()
    {
        // Stands in for a test host that is killed -9: `cat` blocks on its open stdin until killed.
        using var owner = Process.Start(new ProcessStartInfo("cat") { RedirectStandardInput = true, UseShellExecute = false })!;
        await using var server = await RedisServer.StartAsync(owner.Id);
        Assert.True(await server.AnswersPingAsync());

        owner.Kill();
        await owner.WaitForExitAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (await server.AnswersPingAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "redis-server still answers 15 s after its owner died");
            await Task.Delay(50);
        }
    }
}
