using GatoMesh.Runtime;

namespace GatoMesh.Runtime.TestGrains;

public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Waits, then returns which activation served the call.</summary>
    Task<string> Work(int delayMs);
}

[StatelessWorker(3)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public async Task<string> Work(int delayMs)
    {
        await Task.Delay(delayMs);
        return _instance;
    }
}
