using GatoMesh.Runtime;

namespace GatoMesh.Runtime.TestGrains;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds and persists; returns the new value.</summary>
    Task<int> Add(int amount);

    Task<int> Get();

    ValueTask<string> Echo(string text);

    Task Fail(string message);

    /// <summary>Deactivates after this call (state stays persisted).</summary>
    Task Deactivate();

    Task<string?> GetETag();
}

public sealed class CounterState
{
    public int Value { get; set; }
}

public sealed class CounterGrain : Grain<CounterState>, ICounterGrain
{
    public async Task<int> Add(int amount)
    {
        State.Value += amount;
        await WriteStateAsync();
        return State.Value;
    }

    public Task<int> Get() => Task.FromResult(State.Value);

    public ValueTask<string> Echo(string text) => ValueTask.FromResult($"{Key}:{text}");

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<string?> GetETag() => Task.FromResult(PersistentState.ETag);
}
