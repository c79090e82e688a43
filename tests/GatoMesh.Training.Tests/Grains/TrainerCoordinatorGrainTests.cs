using GatoMesh.Grains;
using GatoMesh.Silo.Hosting;
using GatoMesh.Silo.Security;
using Orleans.TestingHost;

namespace GatoMesh.Training.Tests;

/// <summary>
/// The coordinator's protocol (docs/DISTRIBUTED.md, "Training"), on a real Orleans test cluster of two
/// silos (Orleans.TestingHost), called as a worker calls it, with the admin credential: a
/// generation forms only once the job's workers have all joined; ranks follow the worker ids; a worker
/// that leaves ends the generation and the survivors form the next one without it; a report from an
/// ended generation is told to restart; a fatal failure ends the job for everyone.
/// </summary>
public sealed class TrainerCoordinatorGrainTests : IAsyncLifetime
{
    static readonly string AdminKey = Silo.Security.AdminKey.Generate();

    TestCluster cluster = null!;
    // Presented here, synchronously, so it flows into every test method (an async InitializeAsync's would not).
    readonly IDisposable admin = AdminCredential.Present(AdminKey);

    sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddAdminCredential(AdminKey);
    }

    public async Task InitializeAsync()
    {
        cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<Configurator>().Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    static TrainingJob Job(int workers) => new()
    {
        ConfigJson = "{}", DataDirectory = "/data", OutputDirectory = "/out", Steps = 10, Workers = workers, MicroBatches = 2,
    };

    ITrainerCoordinatorGrain Coordinator(string key) => cluster.GrainFactory.GetGrain<ITrainerCoordinatorGrain>(key);

    static WorkerReport Report(string worker, WorkerAssignment a, long step, bool finished = false) =>
        new(worker, a.Generation, a.Rank, step, 1.0 / step, 1e-3, null, finished, 100, 1000, null, null);

    [Fact]
    public async Task A_generation_forms_once_every_worker_of_the_job_joined_with_ranks_in_id_order()
    {
        var c = Coordinator("form");
        await c.Start(Job(workers: 2));
        Assert.Equal(AssignmentKind.Wait, (await c.Join("w1")).Kind);
        var w0 = await c.Join("w0");
        var w1 = await c.Join("w1");

        Assert.Equal(AssignmentKind.Train, w0.Kind);
        Assert.Equal(AssignmentKind.Train, w1.Kind);
        Assert.Equal((0, 2), (w0.Rank, w0.WorldSize));
        Assert.Equal((1, 2), (w1.Rank, w1.WorldSize));
        Assert.Equal(w0.StorePort, w1.StorePort);
        Assert.Equal(w0.Generation, w1.Generation);
        Assert.Equal(2, w0.Job!.MicroBatches);
        Assert.Equal(JobState.Training, (await c.Status()).State);
    }

    [Fact]
    public async Task A_worker_that_leaves_ends_the_generation_and_the_survivor_restarts_alone()
    {
        var c = Coordinator("leave");
        await c.Start(Job(workers: 2));
        await c.Join("w0");
        var w0 = await c.Join("w0");
        var w1 = await c.Join("w1");
        w0 = await c.Join("w0");
        Assert.Equal(WorkerDirective.Continue, await c.Report(Report("w0", w0, step: 1)));

        await c.Leave("w1", "its process exited with code 137");

        Assert.Equal(WorkerDirective.Restart, await c.Report(Report("w0", w0, step: 2)));
        var again = await c.Join("w0");
        Assert.Equal(AssignmentKind.Train, again.Kind);
        Assert.Equal((0, 1), (again.Rank, again.WorldSize));
        Assert.True(again.Generation > w1.Generation);
        var status = await c.Status();
        Assert.Equal(1, status.Restarts);
        Assert.Contains("w1", status.LastRestart);
        Assert.False(status.Workers.Single(w => w.WorkerId == "w1").Alive);
    }

    [Fact]
    public async Task A_worker_lost_before_the_first_generation_does_not_hold_the_job_the_others_form_it()
    {
        var c = Coordinator("early-loss");
        await c.Start(Job(workers: 3));
        Assert.Equal(AssignmentKind.Wait, (await c.Join("w0")).Kind);
        Assert.Equal(AssignmentKind.Wait, (await c.Join("w1")).Kind);
        await c.Leave("w1", "its process exited with code 137");

        var w2 = await c.Join("w2");
        Assert.Equal(AssignmentKind.Train, w2.Kind);
        Assert.Equal((1, 2), (w2.Rank, w2.WorldSize));
        var w0 = await c.Join("w0");
        Assert.Equal((0, 2), (w0.Rank, w0.WorldSize));
        Assert.Equal(0, (await c.Status()).Restarts);
    }

    [Fact]
    public async Task Only_rank_0_finishing_finishes_the_job_because_it_writes_the_final_checkpoint()
    {
        var c = Coordinator("rank-order");
        await c.Start(Job(workers: 2));
        await c.Join("w0");
        var w1 = await c.Join("w1");
        var w0 = await c.Join("w0");

        Assert.Equal(WorkerDirective.Stop, await c.Report(Report("w1", w1, step: 10, finished: true)));
        Assert.Equal(JobState.Training, (await c.Status()).State);
        await c.Report(Report("w0", w0, step: 10, finished: true) with { Checkpoint = "/out/checkpoints/step-00000010" });
        var status = await c.Status();
        Assert.Equal(JobState.Finished, status.State);
        Assert.Equal("/out/checkpoints/step-00000010", status.LatestCheckpoint);
    }

    [Fact]
    public async Task The_last_step_finishes_the_job_and_every_later_join_is_told_done()
    {
        var c = Coordinator("finish");
        await c.Start(Job(workers: 1));
        var w0 = await c.Join("w0");
        Assert.Equal(WorkerDirective.Stop, await c.Report(Report("w0", w0, step: 10, finished: true) with { History = [3.0, 2.0] }));

        var status = await c.Status();
        Assert.Equal(JobState.Finished, status.State);
        Assert.Equal([3.0, 2.0], status.Losses);
        Assert.Equal(AssignmentKind.Done, (await c.Join("w0")).Kind);
    }

    [Fact]
    public async Task A_fatal_failure_fails_the_job_with_the_reason_and_stops_the_others()
    {
        var c = Coordinator("fatal");
        await c.Start(Job(workers: 2));
        await c.Join("w0");
        var w1 = await c.Join("w1");
        var w0 = await c.Join("w0");

        await c.Failed("w1", w1.Generation, "--data = /nope: no such directory", fatal: true);

        var status = await c.Status();
        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("--data = /nope", status.Error);
        Assert.Equal(WorkerDirective.Stop, await c.Report(Report("w0", w0, step: 1)));
        Assert.Equal(AssignmentKind.Done, (await c.Join("w0")).Kind);
    }

    [Fact]
    public async Task A_job_whose_generations_keep_failing_fails_after_its_restart_limit()
    {
        var c = Coordinator("flapping");
        await c.Start(Job(workers: 1) with { MaxRestarts = 2 });
        for (var i = 0; i < 3; i++)
        {
            var a = await c.Join("w0");
            Assert.Equal(AssignmentKind.Train, a.Kind);
            await c.Failed("w0", a.Generation, "Socket Timeout", fatal: false);
        }

        var status = await c.Status();
        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("Socket Timeout", status.Error);
        Assert.Equal(AssignmentKind.Done, (await c.Join("w0")).Kind);
    }

    [Fact]
    public async Task Starting_another_job_under_a_running_jobs_key_is_refused()
    {
        var c = Coordinator("twice");
        Assert.Null((await c.Start(Job(workers: 2))).Error);
        Assert.Null((await c.Start(Job(workers: 2))).Error);
        Assert.Contains("already running", (await c.Start(Job(workers: 3))).Error);
    }
}
