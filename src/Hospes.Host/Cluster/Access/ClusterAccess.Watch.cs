using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster.Access;

/// <summary>
/// The watch on the access key: a write by another host wakes the loop at once, so a revoked token or grant stops
/// counting here within a round trip instead of up to a poll later. The poll stays the backstop: a watch stream can end
/// (etcd restarted, this host's link cut) or stall without a word, and it is opened again after a pause.
/// </summary>
internal sealed partial class ClusterAccess
{
    private TaskCompletionSource _change = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How the cluster's copy came to be read (its log says).</summary>
    private enum Read
    {
        Poll,
        Watch,
        Write,
    }

    /// <summary>Waits for the watch's news of a write or for the next poll, whichever comes first; which it was.</summary>
    private async Task<Read> ChangedOrPollDueAsync(CancellationToken ct)
    {
        Task changed = Volatile.Read(ref _change).Task;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task due = Task.Delay(PollEvery, _time, cancel.Token);
        Task first = await Task.WhenAny(changed, due).ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (first != changed)
        {
            return Read.Poll;
        }

        // A fresh signal before the read: a write during it wakes the next round.
        Interlocked.Exchange(ref _change, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return Read.Watch;
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (StoreChange c in _store.WatchAsync(_key, Volatile.Read(ref _seenRevision), ct).ConfigureAwait(false))
                {
                    // The watch is on a prefix: only the key itself counts; this host's own writes wake a read that finds nothing new.
                    if (c.Key == _key && c.Value != _applied)
                    {
                        Volatile.Read(ref _change).TrySetResult();
                    }
                }
            }
            catch (Exception e) when (e is ClusterStoreException or HttpRequestException or IOException or System.Text.Json.JsonException
                || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // The stream ended badly (etcd went, the link was cut, half a line, the client's own time limit): the poll
                // logs what is wrong with the store; the watch opens again after a pause. A cancellation that is not this
                // loop's must not end it: hospesd's stop and `cluster leave` await it and would fail with "The operation was
                // canceled." (seen once with a removed host whose etcd calls are refused now).
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(PollEvery, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
