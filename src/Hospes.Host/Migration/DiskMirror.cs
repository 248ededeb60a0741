using System.Diagnostics;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Migration;

/// <summary>
/// An outgoing migration's disks: one block mirror per disk the destination exports over NBD, until every one is in
/// step; the mirrors end at the switch-over (which flushes the last writes there).
/// </summary>
internal sealed class DiskMirror(MigrationPlan plan, IQmp qmp, TimeProvider time)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>What the mirrors copied so far.</summary>
    public long CopiedBytes { get; private set; }

    /// <summary>
    /// Starts the mirrors and waits until each is in step; each step's undo goes to <paramref name="revert"/>. The
    /// copies go over TLS with <paramref name="tlsCreds"/> to a server whose certificate names <paramref name="tlsHostname"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync(VmSpec spec, MigrationPrepared p, MigrationOffer offer, string tlsCreds, string tlsHostname, Reverter revert, Stopwatch clock)
    {
        if (offer.MirroredDisks.Count == 0)
        {
            return [];
        }

        if (p.NbdPort is not { } port)
        {
            throw new QmpException("nbd", "", $"{plan.Target.Name} did not export the disks to copy");
        }

        var jobs = new List<string>();
        foreach (MigratedDisk disk in offer.MirroredDisks)
        {
            string node = MigrationOfferBuilder.DiskNode(spec, disk.Vdev);
            string target = QemuNames.MigrationTarget(node);
            await qmp.AddNbdTargetAsync(target, OutgoingMigration.UriHost(plan.Target.StreamHost).Trim('[', ']'), port, p.Exports[disk.Vdev], tlsCreds, tlsHostname).ConfigureAwait(false);
            revert.Add(() => qmp.BlockdevDelAsync(target));
            await qmp.MirrorAsync(target, node, target).ConfigureAwait(false);
            jobs.Add(target);
            revert.Add(async () =>
            {
                if ((await qmp.QueryBlockJobsAsync().ConfigureAwait(false)).Any(j => j.Id == target))
                {
                    await qmp.BlockJobCancelAsync(target, force: true).ConfigureAwait(false);
                    await WaitForJobsGoneAsync([target], TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                }
            });
        }

        DateTimeOffset lastEmit = DateTimeOffset.MinValue;
        while (true)
        {
            plan.Cancel.ThrowIfCancellationRequested();
            IReadOnlyList<BlockJob> all = await qmp.QueryBlockJobsAsync(logged: false).ConfigureAwait(false);
            var ours = all.Where(j => jobs.Contains(j.Id)).ToList();
            if (ours.Count < jobs.Count || ours.FirstOrDefault(j => j.Error is not null) is { } broken)
            {
                throw new QmpException("blockdev-mirror", "", $"copying the disks to {plan.Target.Name} stopped{(ours.FirstOrDefault(j => j.Error is not null) is { } b ? ": " + b.Error : "")}");
            }

            CopiedBytes = ours.Sum(j => j.Offset);
            if (ours.All(j => j.Ready))
            {
                await plan.Emit(new MigrationEvent { Event = "storage", Message = "disks in step", DiskCopiedBytes = CopiedBytes, DiskTotalBytes = ours.Sum(j => j.Length), ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
                return jobs;
            }

            if (time.GetUtcNow() - lastEmit >= ProgressEvery)
            {
                lastEmit = time.GetUtcNow();
                await plan.Emit(new MigrationEvent { Event = "storage", DiskCopiedBytes = CopiedBytes, DiskTotalBytes = ours.Sum(j => j.Length), ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time).ConfigureAwait(false);
        }
    }

    /// <summary>At the switch-over (the guest stopped): ends the mirrors, which flushes their last writes to the destination.</summary>
    public async Task CompleteAsync(IReadOnlyList<string> jobs)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        foreach (string job in jobs)
        {
            await qmp.BlockJobCancelAsync(job).ConfigureAwait(false);
        }

        await WaitForJobsGoneAsync(jobs, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    private async Task WaitForJobsGoneAsync(IReadOnlyList<string> jobs, TimeSpan limit)
    {
        DateTimeOffset deadline = time.GetUtcNow() + limit;
        while ((await qmp.QueryBlockJobsAsync(logged: false).ConfigureAwait(false)).Any(j => jobs.Contains(j.Id)))
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"the disk copies did not finish within {limit.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time).ConfigureAwait(false);
        }
    }
}
