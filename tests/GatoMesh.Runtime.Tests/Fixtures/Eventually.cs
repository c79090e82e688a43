namespace GatoMesh.Runtime.Tests.Fixtures;

/// <summary>Waits for a condition with a deadline (never a fixed sleep as synchronization); a missed
/// deadline fails the test naming what never happened.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static Task True(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        True(() => Task.FromResult(condition()), what, deadline);

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? TimeSpan.FromSeconds(10);
        var until = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"not within {limit.TotalSeconds} s: {what}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Retries <paramref name="action"/> through typed runtime errors (a silo gone, views settling)
    /// until it succeeds; after the deadline the last error fails the test.</summary>
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
