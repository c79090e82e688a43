using System.CommandLine;
using System.Runtime.CompilerServices;
using GatoMesh.Grains;
using GatoMesh.Runtime.Hosting;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh train worker --gateway HOST:PORT --job ID --worker-id ID</c> (hidden): one worker process
/// of a data-parallel job, launched by <c>gatomesh train --workers N</c> (docs/DISTRIBUTED.md,
/// "Training"). It hosts a silo of its own whose <see cref="ITrainerWorkerGrain"/> holds the replica and
/// trains; it exits 0 when the job is over and 1 when the worker failed.
/// </summary>
internal static class TrainWorkerCommand
{
    static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var gateway = new Option<string>("--gateway") { Description = "host:port of the gateway whose cluster hosts the job's coordinator", Required = true };
        var job = new Option<string>("--job") { Description = "the job id (the coordinator grain's key)", Required = true };
        var workerId = new Option<string>("--worker-id") { Description = "this worker's id, unique in the job", Required = true };
        var command = new Command("worker", "one worker process of a data-parallel training job (started by `gatomesh train --workers N`)")
        {
            gateway, job, workerId,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancel) =>
        {
            RuntimeHelpers.RunModuleConstructor(typeof(TrainerWorkerGrain).Module.ModuleHandle);
            // Its own silo: the worker grain lives in this process; idle collection must not take it while it trains.
            await using var silo = await SiloHost.StartAsync(new SiloOptions { IdleDeactivationAge = TimeSpan.FromDays(30) });
            var worker = silo.GrainFactory.GetGrain<ITrainerWorkerGrain>(parse.GetValue(workerId)!);
            await worker.Start(new WorkerLaunch(parse.GetValue(job)!, parse.GetValue(gateway)!));
            WorkerStatus status;
            while (!(status = await worker.Status()).Done)
                await Task.Delay(StatusPoll, cancel);
            if (status.Error is not null)
                throw new TrainingJobFailedException($"worker {parse.GetValue(workerId)}: {status.Error}");
            return 0;
        });
        return command;
    }
}
