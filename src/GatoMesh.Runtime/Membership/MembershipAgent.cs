using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GatoMesh.Runtime.Membership;

/// <summary>
/// One silo's side of the membership protocol (Orleans' MembershipTableManager and ClusterHealthMonitor,
/// smaller; docs/MEMBERSHIP.md). It joins the table (Joining, then Active, retiring older incarnations of
/// its own address), writes heartbeats, rereads the table, probes its successors on the probe ring,
/// votes suspects dead in their rows, declares silos dead whose heartbeats stopped, and tells its silo
/// when the view changes and when the silo itself has been declared dead.
/// Every change to the table is a conditional write retried from a fresh read, so concurrent agents
/// agree on one history of the table; an agent that finds its own row Dead stops all activity.
/// </summary>
public sealed class MembershipAgent : IAsyncDisposable
{
    private enum State { Created, Starting, Running, Stopping, Stopped, Dead }

    private readonly IMembershipTable _table;
    private readonly MembershipEntry _self;
    private readonly ISiloProber _prober;
    private readonly MembershipOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _observeGate = new();
    private readonly object _stateGate = new();
    private State _state = State.Created;
    private Task[] _loops = [];
    private MembershipSnapshot _snapshot = new(-1, []);
    private volatile MembershipView _view = new(-1, []);
    // UTC ticks since when every table access of this agent succeeded; 0 after a failure. A long so that
    // all loops read and write it atomically.
    private long _tableReachableSinceTicks;
    private long _probeRounds;
    private long _refreshRounds;

    /// <param name="self">This silo's row as it should be inserted; the agent sets its status, heartbeat time and votes.</param>
    public MembershipAgent(IMembershipTable table, MembershipEntry self, ISiloProber prober, MembershipOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(prober);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _table = table;
        _self = self with { Status = SiloStatus.Joining, SuspectedBy = [] };
        _prober = prober;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Fires, in order, for every table version this agent reads. Handlers must not block.</summary>
    public event Action<MembershipView>? ViewChanged;

    /// <summary>Fires once when this silo finds its own row Dead (or gone): the silo must stop serving.</summary>
    public event Action? DeclaredDead;

    public SiloAddress Silo => _self.Silo;

    /// <summary>The latest version read and its Active silos.</summary>
    public MembershipView CurrentView => _view;

    /// <summary>Probe rounds completed (tests wait on it to know time has passed in protocol terms).</summary>
    internal long ProbeRounds => Interlocked.Read(ref _probeRounds);

    /// <summary>Table rereads completed.</summary>
    internal long RefreshRounds => Interlocked.Read(ref _refreshRounds);

    /// <summary>Joins the cluster: retires older incarnations of this address, inserts this silo as Joining,
    /// marks it Active, then starts heartbeats, table refreshes and probes. Returns once this silo is Active
    /// in <see cref="CurrentView"/>. Lost races are retried until <paramref name="cancellation"/>.</summary>
    public async Task StartAsync(CancellationToken cancellation)
    {
        lock (_stateGate)
        {
            if (_state != State.Created)
                throw new InvalidOperationException($"membership agent of {Silo} was already started (state {_state})");
            _state = State.Starting;
        }

        await RetireOlderIncarnationsAsync(cancellation).ConfigureAwait(false);
        await InsertSelfAsync(cancellation).ConfigureAwait(false);
        var active = await UpdateRowAsync(Silo, (_, row) => row.Entry.Status == SiloStatus.Joining
            ? row.Entry with { Status = SiloStatus.Active }
            : null, untilCancelled: cancellation).ConfigureAwait(false);
        if (!active)
            throw new InvalidOperationException($"silo {Silo} could not become Active: its row left Joining while it started");

        lock (_stateGate)
        {
            if (_state != State.Starting)
                return;
            _state = State.Running;
        }
        _logger.LogInformation("silo {Silo} is Active at membership version {Version}", Silo, _view.Version);
        var stop = _stopping.Token;
        _loops =
        [
            Task.Run(() => HeartbeatLoopAsync(stop), CancellationToken.None),
            Task.Run(() => RefreshLoopAsync(stop), CancellationToken.None),
            Task.Run(() => ProbeLoopAsync(stop), CancellationToken.None),
        ];
    }

    /// <summary>Leaves gracefully: stops probing and heartbeats, then marks this silo ShuttingDown and Dead. Does not
    /// throw when the table cannot be reached within the heartbeat expiry: the silo then stops anyway and is
    /// declared dead by the others.</summary>
    public async Task StopAsync()
    {
        lock (_stateGate)
        {
            if (_state != State.Running)
                return;
            _state = State.Stopping;
        }
        await StopLoopsAsync().ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(_options.IAmAliveExpiry);
        try
        {
            foreach (var status in (SiloStatus[])[SiloStatus.ShuttingDown, SiloStatus.Dead])
                await UpdateRowAsync(Silo, (_, row) => row.Entry.Status < status ? row.Entry with { Status = status } : null,
                    untilCancelled: deadline.Token).ConfigureAwait(false);
            _logger.LogInformation("silo {Silo} left the cluster", Silo);
        }
        catch (Exception e)
        {
            // A silo must be able to shut down while the table is unreachable; its heartbeats have stopped,
            // so the others declare it dead once they expire.
            _logger.LogWarning(e, "silo {Silo} stopped without marking itself Dead; the others will declare it dead", Silo);
        }
        finally
        {
            lock (_stateGate)
                _state = State.Stopped;
        }
    }

    /// <summary>Stops all activity without touching the table (as a crash would); call <see cref="StopAsync"/>
    /// first to leave gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_stateGate)
        {
            if (_state is State.Running or State.Starting or State.Created)
                _state = State.Stopped;
        }
        await StopLoopsAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopLoopsAsync()
    {
        if (!_stopping.IsCancellationRequested)
            await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var loop in _loops)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loop ended because we stopped it.
            }
        }
    }

    private async Task RetireOlderIncarnationsAsync(CancellationToken cancellation)
    {
        // A silo restarted on the same host:port is a new row; its predecessor cannot be alive (the port is
        // ours now), so it is Dead at once instead of after the others' probes time out.
        var snapshot = await ReadAsync(cancellation).ConfigureAwait(false);
        var older = snapshot.Rows
            .Where(r => r.Entry.Silo.Endpoint == Silo.Endpoint && r.Entry.Silo.Generation < Silo.Generation && r.Entry.Status != SiloStatus.Dead)
            .Select(r => r.Entry.Silo);
        foreach (var predecessor in older)
        {
            if (await UpdateRowAsync(predecessor, (_, row) => row.Entry.Status == SiloStatus.Dead ? null : row.Entry with { Status = SiloStatus.Dead },
                    untilCancelled: cancellation).ConfigureAwait(false))
                _logger.LogInformation("silo {Silo} declared its previous incarnation {Predecessor} dead", Silo, predecessor);
        }
    }

    private async Task InsertSelfAsync(CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await ReadAsync(cancellation).ConfigureAwait(false);
            if (snapshot.Rows.Any(r => r.Entry.Silo == Silo))
                throw new InvalidOperationException($"silo {Silo} is already in the membership table: its generation must be new on every start");
            var entry = _self with { IAmAliveTime = DateTimeOffset.UtcNow };
            if (await _table.InsertAsync(entry, snapshot.Version, cancellation).ConfigureAwait(false))
                return;
            await BackOffAsync(attempt, cancellation).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatPeriod);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                await _table.UpdateIAmAliveAsync(Silo, DateTimeOffset.UtcNow, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Exchange(ref _tableReachableSinceTicks, 0);
                _logger.LogWarning(e, "silo {Silo} could not write its heartbeat", Silo);
            }
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.TableRefreshPeriod);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                var snapshot = await ReadAsync(stop).ConfigureAwait(false);
                await DeclareExpiredSilosDeadAsync(snapshot, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "silo {Silo} could not read the membership table", Silo);
            }
            Interlocked.Increment(ref _refreshRounds);
        }
    }

    private async Task DeclareExpiredSilosDeadAsync(MembershipSnapshot snapshot, CancellationToken stop)
    {
        // Only a silo that has itself reached the table for a whole expiry period judges others' heartbeats:
        // after an outage of the table every row looks stale, and without this rule the first silo back would
        // declare all the others dead.
        var now = DateTimeOffset.UtcNow;
        var since = Interlocked.Read(ref _tableReachableSinceTicks);
        if (since == 0 || now.UtcTicks - since < _options.IAmAliveExpiry.Ticks || !IsActiveIn(snapshot))
            return;
        var expired = snapshot.Rows
            .Where(r => r.Entry.Status != SiloStatus.Dead && r.Entry.Silo != Silo && now - r.Entry.IAmAliveTime > _options.IAmAliveExpiry)
            .Select(r => r.Entry.Silo);
        foreach (var silo in expired)
        {
            if (await UpdateRowAsync(silo, (fresh, row) =>
                    row.Entry.Status != SiloStatus.Dead && IsActiveIn(fresh) && DateTimeOffset.UtcNow - row.Entry.IAmAliveTime > _options.IAmAliveExpiry
                        ? row.Entry with { Status = SiloStatus.Dead }
                        : null, _options.WriteAttempts, stop).ConfigureAwait(false))
                _logger.LogWarning("silo {Silo} declared {Dead} dead: no heartbeat for more than {Expiry}", Silo, silo, _options.IAmAliveExpiry);
        }
    }

    private async Task ProbeLoopAsync(CancellationToken stop)
    {
        var missed = new Dictionary<SiloAddress, int>();
        using var timer = new PeriodicTimer(_options.ProbePeriod);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            var targets = ProbeRing.TargetsOf(Silo, _view.ActiveSilos, _options.ProbedSilos);
            foreach (var gone in missed.Keys.Except(targets).ToArray())
                missed.Remove(gone);
            var answers = await Task.WhenAll(targets.Select(t => ProbeOnceAsync(t, stop))).ConfigureAwait(false);
            for (var i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                missed[target] = answers[i] ? 0 : missed.GetValueOrDefault(target) + 1;
                // Past the threshold every further miss renews this silo's vote, keeping it fresh until a quorum forms.
                if (missed[target] >= _options.MissedProbesBeforeSuspecting)
                    await VoteAsync(target, missed[target], stop).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _probeRounds);
        }
    }

    private async Task<bool> ProbeOnceAsync(SiloAddress target, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(_options.ProbeTimeout);
        try
        {
            // WaitAsync bounds a prober that ignores its token.
            return await _prober.ProbeAsync(target, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            _logger.LogDebug(e, "probe from {Silo} to {Target} failed", Silo, target);
            return false;
        }
    }

    private async Task VoteAsync(SiloAddress suspect, int missedProbes, CancellationToken stop)
    {
        try
        {
            MembershipEntry? written = null;
            await UpdateRowAsync(suspect, (snapshot, row) =>
            {
                if (row.Entry.Status == SiloStatus.Dead || !IsActiveIn(snapshot))
                    return null;
                return written = SuspicionVote.Cast(snapshot, row.Entry, Silo, DateTimeOffset.UtcNow, _options);
            }, _options.WriteAttempts, stop).ConfigureAwait(false);
            if (written?.Status == SiloStatus.Dead)
                _logger.LogWarning("silo {Silo} declared {Suspect} dead after {Missed} missed probes ({Votes} votes)",
                    Silo, suspect, missedProbes, written.SuspectedBy.Count);
            else if (written is not null)
                _logger.LogInformation("silo {Silo} suspects {Suspect} after {Missed} missed probes", Silo, suspect, missedProbes);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "silo {Silo} could not record its vote against {Suspect}", Silo, suspect);
        }
    }

    /// <summary>Applies <paramref name="change"/> to <paramref name="silo"/>'s row from a fresh read, as a conditional
    /// write, rereading and retrying when another writer got there first. <paramref name="change"/> returns null when
    /// the fresh row needs no change. Returns whether this agent's write landed.</summary>
    private async Task<bool> UpdateRowAsync(SiloAddress silo, Func<MembershipSnapshot, MembershipRow, MembershipEntry?> change,
        int attempts = int.MaxValue, CancellationToken untilCancelled = default)
    {
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var snapshot = await ReadAsync(untilCancelled).ConfigureAwait(false);
            var row = snapshot.Rows.FirstOrDefault(r => r.Entry.Silo == silo);
            if (row is null || change(snapshot, row) is not { } updated)
                return false;
            if (await _table.UpdateAsync(updated, row.ETag, snapshot.Version, untilCancelled).ConfigureAwait(false))
            {
                await ReadAsync(untilCancelled).ConfigureAwait(false);
                return true;
            }
            await BackOffAsync(attempt, untilCancelled).ConfigureAwait(false);
        }
        _logger.LogWarning("silo {Silo} gave up changing the row of {Target} after {Attempts} lost races", Silo, silo, attempts);
        return false;
    }

    // Jittered, so agents that lost the same race do not collide again on the retry.
    private static Task BackOffAsync(int attempt, CancellationToken cancellation) =>
        Task.Delay(Random.Shared.Next(0, 10 * Math.Min(attempt, 10)), cancellation);

    private async Task<MembershipSnapshot> ReadAsync(CancellationToken cancellation)
    {
        MembershipSnapshot snapshot;
        try
        {
            snapshot = await _table.ReadAllAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Exchange(ref _tableReachableSinceTicks, 0);
            throw;
        }
        Interlocked.CompareExchange(ref _tableReachableSinceTicks, DateTimeOffset.UtcNow.UtcTicks, 0);
        Observe(snapshot);
        return snapshot;
    }

    private bool IsActiveIn(MembershipSnapshot snapshot) =>
        snapshot.Rows.Any(r => r.Entry.Silo == Silo && r.Entry.Status == SiloStatus.Active);

    /// <summary>Takes in a snapshot read by any loop: keeps the newest, raises ViewChanged for each new version in
    /// order, and notices when this silo is no longer alive in the table.</summary>
    private void Observe(MembershipSnapshot snapshot)
    {
        lock (_observeGate)
        {
            if (snapshot.Version < _snapshot.Version)
                return;
            var newVersion = snapshot.Version > _snapshot.Version;
            _snapshot = snapshot;
            if (newVersion)
            {
                var view = MembershipView.Of(snapshot);
                _view = view;
                Raise(() => ViewChanged?.Invoke(view), nameof(ViewChanged));
            }
        }
        // Checked on every read, not only on new versions: the row may have turned Dead just before this
        // agent started running, in a version it had already seen.
        var self = snapshot.Rows.FirstOrDefault(r => r.Entry.Silo == Silo)?.Entry;
        if (self is null || self.Status == SiloStatus.Dead)
            OnFoundSelfDead(self is null ? "its row is gone" : "its row is Dead");
    }

    private void OnFoundSelfDead(string why)
    {
        lock (_stateGate)
        {
            // Before Active the row may not exist yet; while stopping, Dead is what we asked for.
            if (_state != State.Running)
                return;
            _state = State.Dead;
        }
        _logger.LogError("silo {Silo} was declared dead by the cluster ({Why}); it stops taking part in membership", Silo, why);
        _stopping.Cancel();
        Raise(() => DeclaredDead?.Invoke(), nameof(DeclaredDead));
    }

    private void Raise(Action raise, string name)
    {
        try
        {
            raise();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "a {Event} handler of silo {Silo} threw", name, Silo);
        }
    }
}
