using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>
/// The cluster's periodic loops (membership, HA, the fence): a round, then a wait, until cancelled. A round that fails
/// because etcd did not answer is reported once per distinct message (a host cut off for minutes logs one line, not one
/// a round) and the loop goes on; a good round clears it. Any other exception ends the loop: it is a defect.
/// </summary>
internal static class ClusterLoop
{
    public static async Task RunAsync(Func<CancellationToken, Task> round, TimeSpan every, TimeProvider time, Action<string> storeFailed, CancellationToken ct)
    {
        string? lastFailure = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await round(ct).ConfigureAwait(false);
                lastFailure = null;
            }
            catch (ClusterStoreException e)
            {
                if (e.Message != lastFailure)
                {
                    storeFailed(e.Message);
                    lastFailure = e.Message;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(every, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
