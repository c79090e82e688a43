using System.Diagnostics;
using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Client;
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
    /// no step starts after it, and a step that ends after it is not counted. With
    /// <see cref="FleetOptions.StepsPerAgent"/>, stops sooner once it has sent that many observations.</summary>
    public async Task RunAsync(long startTimestamp, long endTimestamp, CancellationToken ct)
    {
        if (session is null)
            return;
        var spec = environment.Spec;
        var next = startTimestamp;
        for (var sends = 0L; !ct.IsCancellationRequested && sends < (options.StepsPerAgent ?? long.MaxValue); sends++)
        {
            if (options.Period is { } period)
                next = await WaitForTick(next, (long)(period.TotalSeconds * Stopwatch.Frequency), ct).ConfigureAwait(false);
            var sent = Stopwatch.GetTimestamp();
            if (sent >= endTimestamp)
                return;
            ActionReply reply;
            try
            {
                reply = await session.StepAsync(observation, ct).ConfigureAwait(false);
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
            if (received <= endTimestamp)
                counters.Step(Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds, reply.ModelVersion);
            try
            {
                var result = environment.Step(reply.Action.ToAction(spec));
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

    /// <summary>A robot's control loop: ticks every <paramref name="period"/> from the first, one observation
    /// a tick, sent at the tick or at once when the previous step overran it. A tick missed entirely
    /// is skipped, never made up, so no two observations fall in one period. Returns the next tick.</summary>
    static async Task<long> WaitForTick(long tick, long period, CancellationToken ct)
    {
        // Task.Delay rounds to whole milliseconds, possibly down: wait again until the tick has come.
        while (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), tick) is { } wait && wait > TimeSpan.Zero)
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), ct).ConfigureAwait(false);
        var late = Stopwatch.GetTimestamp() - tick;
        return tick + period * (1 + late / period);
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
