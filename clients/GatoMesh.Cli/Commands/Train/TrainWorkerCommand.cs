using System.CommandLine;
using System.Net;
using GatoMesh.Grains;
using GatoMesh.Model;
using GatoMesh.Silo;
using GatoMesh.Silo.Hosting;
using GatoMesh.Silo.Security;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh train worker (--primary HOST:PORT | --redis HOST:PORT --cluster-id ID) --tls-certificate PFX --job ID --worker-id ID</c>
/// (hidden): one worker process of a data-parallel job, launched by <c>gatomesh train --workers N</c>
/// (docs/DISTRIBUTED.md, "Training"). Its trainer silo joins the job's cluster; its
/// <see cref="ITrainerWorkerGrain"/> holds the replica and trains. The admin key comes in
/// $GATOMESH_ADMIN_KEY. It exits 0 when the job is over and 1 when the worker failed.
/// </summary>
internal static class TrainWorkerCommand
{
    public const string AdminKeyVariable = "GATOMESH_ADMIN_KEY";

    static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var primary = new Option<string?>("--primary") { Description = "host:port of the job's primary silo (a job in its own cluster)" };
        var redis = new Option<string?>("--redis") { Description = "the shared cluster's Redis (a job in a running cluster)" };
        var clusterId = new Option<string?>("--cluster-id") { Description = "the shared cluster's id" };
        var certificate = new Option<string>("--tls-certificate") { Description = "the cluster certificate (PKCS#12)", Required = true };
        var job = new Option<string>("--job") { Description = "the job id (the coordinator grain's key)", Required = true };
        var workerId = new Option<string>("--worker-id") { Description = "this worker's id, unique in the job", Required = true };
        var command = new Command("worker", "one worker process of a data-parallel training job (started by `gatomesh train --workers N`)")
        {
            primary, redis, clusterId, certificate, job, workerId,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancel) =>
        {
            var adminKey = Environment.GetEnvironmentVariable(AdminKeyVariable) is { Length: > 0 } key
                ? key
                : throw new TrainingJobFailedException($"${AdminKeyVariable} is not set: a worker's trainer calls need the job's admin key");
            TrainerCluster cluster = parse.GetValue(primary) is { } endpoint
                ? new TrainerCluster.OfJob(parse.GetValue(job)!, IPEndPoint.TryParse(endpoint, out var e) ? e
                    : throw new InvalidTrainingOptionException("--primary", endpoint, "must be host:port"))
                : new TrainerCluster.Shared(new RedisCluster(
                    parse.GetValue(redis) ?? throw new InvalidTrainingOptionException("--primary", null, "give --primary, or --redis and --cluster-id"),
                    parse.GetValue(clusterId) ?? throw new InvalidTrainingOptionException("--cluster-id", null, "is needed with --redis")));
            using var cert = ClusterCertificate.Load(parse.GetValue(certificate)!);
            // Warnings and errors go to stderr, which the launcher shows with this worker's id in front;
            // Orleans' only from errors up, since a peer's kill makes it warn of every refused connection.
            using var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error));
            await using var silo = await TrainerSilo.StartAsync(cluster, cert, adminKey, loggers, cancel);
            using var admin = AdminCredential.Present(adminKey);
            var worker = silo.GrainFactory.GetGrain<ITrainerWorkerGrain>(parse.GetValue(workerId)!);
            await worker.Start(new WorkerLaunch(parse.GetValue(job)!));
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
