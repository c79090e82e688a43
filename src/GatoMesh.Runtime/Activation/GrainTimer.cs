namespace GatoMesh.Runtime.Activation;

/// <summary>
/// A grain timer: a one-shot System.Threading.Timer that enqueues a tick as a request of its activation;
/// the tick re-arms the timer only after the callback finished, so ticks never overlap and never run
/// outside a turn.
/// </summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _period;
    private readonly Timer _timer;
    private volatile bool _disposed;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "dueTime must be >= 0");
        if (period <= TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(period), period, "period must be > 0 or Timeout.InfiniteTimeSpan");
        _activation = activation;
        _callback = callback;
        _period = period;
        _timer = new Timer(static s => ((GrainTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        if (!_disposed) _activation.Enqueue(new Tick(this));
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }

    private sealed class Tick(GrainTimer timer) : RequestItem
    {
        public override bool KeepsAlive => false;

        public override async Task ExecuteAsync(Grain grain)
        {
            if (timer._disposed) return;
            try
            {
                await timer._callback(timer._activation.Stopping);
            }
            catch (Exception e)
            {
                timer._activation.Runtime.Log.TimerFailed(timer._activation.GrainId, e);
            }
            if (!timer._disposed && timer._period != Timeout.InfiniteTimeSpan)
            {
                try
                {
                    timer._timer.Change(timer._period, Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                    // Disposed between the check and Change: the timer is simply over.
                }
            }
        }

        // A tick for a dead activation has nowhere to go: the timer died with it.
        public override void Redispatch()
        {
        }

        public override void Fail(Exception error)
        {
        }
    }
}
