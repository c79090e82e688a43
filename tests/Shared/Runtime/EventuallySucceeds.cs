using GatoMesh.Runtime;

namespace GatoMesh.Testing;

internal static partial class Eventually
{
    /// <summary>Retries <paramref name="action"/> through typed runtime errors (a silo gone, views
    /// settling) until it succeeds; after the deadline the last error fails the test.</summary>
    public static async Task<T> Succeeds<T>(Func<Task<T>> action, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                return await action();
            }
            catch (GrainRuntimeException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(PollInterval);
            }
        }
    }
}
