using System.Collections.Concurrent;
using GatoMesh.Client;
using GatoMesh.Data;

namespace GatoMesh.Deploy.Tests;

/// <summary>
/// Robots that step their sessions through one gateway at about 10 Hz each until stopped, checking that
/// every answered step is the session's next timestep (none lost, none applied twice). A step the
/// client SDK gives up on (after its retries) is a lost step.
/// </summary>
internal sealed class SteppingFleet(GatoMeshClient client) : IAsyncDisposable
{
    public const string SpecJson = """
        {"name": "elastic-test", "observation": {"joints": {"kind": "continuous", "shape": [4]}},
         "action": {"torque": {"kind": "continuous", "shape": [2]}}}
        """;

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly ConcurrentDictionary<string, long> _steps = new();
    private readonly ConcurrentQueue<string> _lost = new();

    public int Agents => _steps.Count;

    public long Steps => _steps.Values.Sum();

    /// <summary>Steps that failed for good, and answers that were not the session's next timestep.</summary>
    public IReadOnlyCollection<string> Lost => _lost;

    public long StepsOf(string session) => _steps.TryGetValue(session, out var n) ? n : 0;

    public IEnumerable<string> Sessions => _steps.Keys;

    /// <summary>Opens <paramref name="count"/> more sessions and starts stepping them.</summary>
    public async Task AddAsync(string prefix, int count)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.OpenSessionAsync($"{prefix}-{i}", SpecJson)));
        foreach (var session in opened)
        {
            _steps[session.Id] = 0;
            _loops.Add(Task.Run(() => StepAsync(session)));
        }
    }

    private async Task StepAsync(EpisodeSession session)
    {
        var expected = 0L;
        var random = new Random(session.Id.GetHashCode());
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var reply = await session.StepAsync(new FieldValues().SetContinuous("joints",
                    [.. Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1))]));
                if (reply.Timestep != expected) _lost.Enqueue($"{session.Id}: answered timestep {reply.Timestep} where {expected} was next");
                expected = reply.Timestep + 1;
                _steps.AddOrUpdate(session.Id, 1, (_, n) => n + 1);
            }
            catch (GatoMeshException e)
            {
                _lost.Enqueue($"{session.Id}: {e.Code} {e.Field}: {e.Message}");
            }
            try
            {
                await Task.Delay(Period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
