using GatoMesh.Model;
using GatoMesh.Silo;

namespace GatoMesh.Grains.Tests;

/// <summary>Deploying a checkpoint through the model registry swaps the weights of a silo that is
/// serving: no step fails, every reply names its version, and after the swap the actions are the
/// new weights' own.</summary>
public sealed class HotSwapTests : IDisposable
{
    private readonly string checkpoint = Directory.CreateTempSubdirectory("gatomesh-swap-").FullName;

    public void Dispose() => Directory.Delete(this.checkpoint, recursive: true);

    [Fact]
    public async Task A_deployment_under_load_fails_no_step_and_every_reply_names_its_version()
    {
        using (var retrained = new GatoModel(Presets.Tiny, seed: 42)) Checkpoint.Save(retrained, this.checkpoint);
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions());
        var registry = silo.GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key);
        Assert.Null(await registry.Current());

        var drivers = Enumerable.Range(0, 6).Select(i => new SessionDriver(silo.GrainFactory, SessionDriver.Fleet, $"swap-{i}", seed: i)).ToList();
        await Task.WhenAll(drivers.Select(d => d.OpenAsync()));
        var load = drivers.Select(async d =>
        {
            // Keep stepping until the swap is seen, then a few more steps with the new weights.
            var after = 0;
            while (after < 3)
            {
                var reply = await d.StepOnceAsync(d.Grain);
                Assert.True(reply.Error is null, $"{d.Id} step {d.Sequence}: {reply.Error}");
                if (reply.ModelVersion != "gato-tiny-seed0") after++;
            }
        }).ToList();

        DeployReply deployed;
        using (AdminCredential.Present(silo.AdminKey)) deployed = await registry.Deploy(new DeployRequest(this.checkpoint, "retrained-v1"));
        Assert.Null(deployed.Error);
        Assert.Equal(1, deployed.Version!.Revision);
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(120));

        foreach (var d in drivers)
        {
            var versions = d.Replies.Select(r => r.ModelVersion).ToList();
            Assert.All(versions, v => Assert.Contains(v, new[] { "gato-tiny-seed0", "retrained-v1" }));
            // Once a session saw the new version it never sees the old one again.
            var first = versions.IndexOf("retrained-v1");
            Assert.True(first >= 0);
            Assert.All(versions.Skip(first), v => Assert.Equal("retrained-v1", v));
        }
        Assert.Equal("retrained-v1", silo.ServedVersion.Id);

        // The new weights' actions: a silo started from the checkpoint, given the same history, agrees.
        await using var reference = await ServingSilo.StartAsync(new ServingSiloOptions { Model = GatoMesh.Grains.Serving.ModelSource.FromCheckpoint(this.checkpoint) });
        var fresh = new SessionDriver(reference.GrainFactory, SessionDriver.Fleet, "probe", seed: 100);
        var swapped = new SessionDriver(silo.GrainFactory, SessionDriver.Fleet, "probe", seed: 100);
        await fresh.OpenAsync();
        await swapped.OpenAsync();
        await fresh.StepAsync(4);
        await swapped.StepAsync(4);
        Assert.Equal(fresh.Actions, swapped.Actions);
    }

    [Fact]
    public async Task A_checkpoint_with_other_shapes_or_no_weights_is_refused_by_the_registry()
    {
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions());
        var registry = silo.GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key);
        using (var other = new GatoModel(Presets.Tiny with { Layers = 1 }, seed: 1)) Checkpoint.Save(other, this.checkpoint);
        using var admin = AdminCredential.Present(silo.AdminKey);
        var refused = await registry.Deploy(new DeployRequest(this.checkpoint));
        Assert.Contains("shapes", refused.Error);
        var missing = await registry.Deploy(new DeployRequest(Path.Combine(this.checkpoint, "nowhere")));
        Assert.NotNull(missing.Error);
        Assert.Null(await registry.Current());
    }
}
