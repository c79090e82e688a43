namespace GatoMesh.Testing;

/// <summary>Waits for a condition with a deadline (never a fixed sleep as synchronization); a missed
/// deadline fails the test naming what never happened.</summary>
internal static partial class Eventually
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
}
