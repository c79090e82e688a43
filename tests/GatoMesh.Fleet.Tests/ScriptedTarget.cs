using System.Collections.Concurrent;
using GatoMesh.Fleet;
using GatoMesh.Client;
using GatoMesh.Data;
using GatoMesh.Protos.V1;

namespace GatoMesh.Fleet.Tests;

/// <summary>
/// A target that answers in-process by a fixed rule, so the runner's own bookkeeping (counts, errors,
/// pacing, open and close) can be checked exactly; the fleet against a real silo is tested in
/// GatoMesh.Cli.Tests. It always answers zero force, so the synthetic mass never moves and an episode
/// lasts its 200 steps (unless it starts within reach of its target). Every <see cref="FailEvery"/>-th step answers <see cref="ErrorCode.Unavailable"/>.
/// </summary>
internal sealed class ScriptedTarget : IFleetTarget
{
    long iterations;
    long tokens;

    public int FailEvery { get; init; }
    public bool RejectOpens { get; init; }
    public ConcurrentDictionary<string, Session> Sessions { get; } = new();

    public Task<IFleetSession> OpenAsync(string sessionId, string specJson, CancellationToken ct)
    {
        if (RejectOpens)
            throw new FleetSessionException(ErrorCode.InvalidSpec, "spec", "rejected by the script");
        var session = new Session(this, specJson);
        Assert.True(Sessions.TryAdd(sessionId, session), $"session {sessionId} opened twice");
        return Task.FromResult<IFleetSession>(session);
    }

    public Task<EngineTotals?> ReadEngineTotalsAsync(CancellationToken ct) =>
        Task.FromResult<EngineTotals?>(new EngineTotals(Interlocked.Read(ref iterations), Interlocked.Read(ref tokens), 0, Interlocked.Read(ref iterations)));

    internal sealed class Session(ScriptedTarget target, string specJson) : IFleetSession
    {
        long steps;

        public string SpecJson => specJson;
        public FieldValues? FirstObservation { get; private set; }
        public long Steps => Interlocked.Read(ref steps);
        public int Resets { get; private set; }
        public bool Closed { get; private set; }

        public async Task<ActionReply> StepAsync(FieldValues observation, CancellationToken ct)
        {
            Assert.False(Closed, "stepped after close");
            await Task.Yield();
            var n = Interlocked.Increment(ref steps);
            FirstObservation ??= observation;
            // Each step is one iteration of three tokens: the engine's figure the runner divides.
            Interlocked.Increment(ref target.iterations);
            Interlocked.Add(ref target.tokens, 3);
            if (target.FailEvery > 0 && n % target.FailEvery == 0)
                throw new FleetSessionException(ErrorCode.Unavailable, "step", "scripted failure");
            return new ActionReply(n, n - 1, new FieldValues().SetContinuous(SyntheticTask.ForceKey, [0f, 0f]), [], "scripted-v1", Recomputed: false);
        }

        public Task ResetAsync(CancellationToken ct)
        {
            Resets++;
            return Task.CompletedTask;
        }

        public Task CloseAsync(CancellationToken ct)
        {
            Closed = true;
            return Task.CompletedTask;
        }
    }
}
