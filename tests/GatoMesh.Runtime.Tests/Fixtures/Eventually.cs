namespace GatoMesh.Runtime.Tests.Fixtures;

/// <summary>Waits for a condition with a deadline (never a fixed sleep as synchronization).</summary>
internal static class Eventually
{
    public static Task True(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        True(() => Task.FromResult(condition()), what, deadline);

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"gave up waiting for: {what}");
            await Task.Delay(10);
        }
    }

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
                await Task.Delay(20);
            }
        }
    }
}
