using System.Diagnostics;
using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Grains;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet;

/// <summary>
/// One simulated agent (docs/FLEET.md, "What an agent does"): it owns an environment and an episode
/// session; each step it sends its observation, waits for the action, records the latency, applies
/// the action to its environment and, when the episode ends, resets both. Closed loop by default;
/// with a period it paces itself like a robot's control loop.
/// </summary>
internal sealed class FleetAgent(int index, IEnvironment environment, FleetOptions options, FleetCounters counters)
{
    IFleetSession? session;
    FieldValues observation = new();
    long episode;

    public int Index => index;
    public string SessionId => $"{options.SessionPrefix}-{index}";
    public bool IsOpen => session is not null;

    /// <summary>The seed of episode <paramref name="episode"/> of agent <paramref name="agent"/>: a
    /// function of the fleet's seed alone, so a rerun replays the same episodes.</summary>
    public static ulong EpisodeSeed(ulong fleetSeed, int agent, long episode) =>
        SeededRandom.For(fleetSeed ^ (0x9E3779B97F4A7C15UL * (ulong)(agent + 1)), episode).NextUInt64();

    public async Task OpenAsync(IFleetTarget target, string specJson, CancellationToken ct)
    {
        try
        {
            session = await target.OpenAsync(SessionId, specJson, ct);
            observation = environment.Reset(EpisodeSeed(options.Seed, index, episode));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            counters.Error(Code(e), e.Message);
        }
    }

    /// <summary>Steps until <paramref name="endTimestamp"/> (a <see cref="Stopwatch"/> timestamp):
    /// no step starts after it, and a step that ends after it is not counted.</summary>
    public async Task RunAsync(long startTimestamp, long endTimestamp, CancellationToken ct)
    {
        if (session is null)
            return;
        var spec = environment.Spec;
        var next = startTimestamp;
        while (!ct.IsCancellationRequested)
        {
            if (options.Period is { } period)
            {
                // A robot's control loop: one observation per period, late ones sent at once.
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                next = Math.Max(next + (long)(period.TotalSeconds * Stopwatch.Frequency), Stopwatch.GetTimestamp());
            }
            var sent = Stopwatch.GetTimestamp();
            if (sent >= endTimestamp)
                return;
            StepReply reply;
            try
            {
                reply = await session.StepAsync(WireFields.Observation(spec, observation), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                counters.Error(Code(e), e.Message);
                continue;
            }
            var received = Stopwatch.GetTimestamp();
            if (reply.Error is { } error)
            {
                counters.Error(error.Code.ToString(), error.ToString());
                continue;
            }
            if (received <= endTimestamp)
                counters.Step(Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds, reply.ModelVersion);
            try
            {
                var result = environment.Step(WireFields.Action(spec, reply.Action));
                observation = result.Observation;
                if (result.Done)
                {
                    episode++;
                    await session.ResetAsync(ct).ConfigureAwait(false);
                    observation = environment.Reset(EpisodeSeed(options.Seed, index, episode));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                counters.Error(Code(e), e.Message);
            }
        }
    }

    public async Task CloseAsync(CancellationToken ct)
    {
        if (session is null)
            return;
        try
        {
            await session.CloseAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            counters.Error(Code(e), e.Message);
        }
        finally
        {
            session = null;
            environment.Dispose();
        }
    }

    static string Code(Exception e) => e is FleetSessionException typed ? typed.Code.ToString() : e.GetType().Name;
}
