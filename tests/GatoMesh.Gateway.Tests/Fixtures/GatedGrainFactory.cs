using GatoMesh.Grains;
using GatoMesh.Runtime;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>
/// The silo's real grain factory, except that steps of one chosen session wait at a gate the test opens:
/// a step that is slow for as long as the test wants, with no clock involved. Everything still reaches the
/// real session grain.
/// </summary>
internal sealed class GatedGrainFactory(IGrainFactory silo, string gatedGrainKey) : IGrainFactory
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _secondWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Completes once a gated step arrived and is waiting.</summary>
    public Task StepWaiting => _waiting.Task;

    /// <summary>Completes once a second gated step (e.g. a client's retry of the first) is waiting too.</summary>
    public Task SecondStepWaiting => _secondWaiting.Task;

    public void Open() => _gate.TrySetResult();

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        var grain = silo.GetGrain<TGrain>(key);
        return key == gatedGrainKey && grain is IEpisodeSessionGrain session ? (TGrain)(object)new GatedSession(session, this) : grain;
    }

    private sealed class GatedSession(IEpisodeSessionGrain session, GatedGrainFactory owner) : IEpisodeSessionGrain
    {
        public Task<SessionReply> Open(OpenSessionRequest request) => session.Open(request);

        public async Task<StepReply> Step(StepRequest request)
        {
            var arrived = Interlocked.Increment(ref owner._arrived);
            owner._waiting.TrySetResult();
            if (arrived >= 2) owner._secondWaiting.TrySetResult();
            await owner._gate.Task;
            return await session.Step(request);
        }

        public Task<SessionReply> Reset(ResetRequest request) => session.Reset(request);

        public Task<SessionReply> Close(string fleet) => session.Close(fleet);

        public Task<SessionReply> Describe(string fleet) => session.Describe(fleet);
    }
}
