using System.Globalization;
using Hospes.Host.Machine;
using Hospes.Host.Settings;

namespace Hospes.Host.Memory;

internal sealed partial class MemoryService
{
    private const string KsmOriginalKey = "ksm_original";
    private const int KsmSleepMs = 20;

    /// <summary>How long a full pass over the guests' resident memory should take (ksmd's CPU is what it costs).</summary>
    private const int PassSeconds = 120;

    /// <summary>
    /// KSM on while two or more guests run (Linux guests share kernel, library and zero pages), scanning fast enough that
    /// a pass over what the guests' QEMUs hold takes about two minutes (at most 1000 pages per 20 ms, ~200 MiB/s); the
    /// host's own setting is put back when fewer run.
    /// A KSM the administrator switched on is left as it is. hospesd remembers the host's setting in its database,
    /// so a hospesd killed meanwhile still restores it.
    /// </summary>
    private void ManageKsm(IReadOnlyList<IVm> running)
    {
        if (_settings.Ksm == KsmMode.Off || !_ksm.Available)
        {
            return;
        }

        KsmStatus now = _ksm.Read();
        string? original = _db.MetaValue(KsmOriginalKey);
        _ksmManaged = original is not null;
        if (running.Count >= 2)
        {
            if (now.Running && !_ksmManaged)
            {
                return; // the administrator's KSM
            }

            long guestPages = running.Sum(a => _balloons.Of(a).HostRssBytes ?? 0) / Environment.SystemPageSize;
            long pagesToScan = Math.Clamp(guestPages / (PassSeconds * 1000 / KsmSleepMs), 100, 1000);
            if (!_ksmManaged)
            {
                _db.MetaValue(KsmOriginalKey, () => string.Create(CultureInfo.InvariantCulture, $"{(now.Running ? 1 : 0)} {now.PagesToScan} {now.SleepMs}"));
                _ksmManaged = true;
            }

            if (now.Running && now.PagesToScan == pagesToScan && now.SleepMs == KsmSleepMs)
            {
                return;
            }

            string? failed = _ksm.Write("pages_to_scan", pagesToScan) ?? _ksm.Write("sleep_millisecs", KsmSleepMs) ?? _ksm.Write("run", 1);
            if (failed is not null)
            {
                _db.DeleteMetaValue(KsmOriginalKey);
                _ksmManaged = false;
                LogKsmFailed(failed);
                return;
            }

            if (!now.Running)
            {
                LogKsmOn(running.Count, pagesToScan, KsmSleepMs);
                NoteKsm($"KSM on: {running.Count} guests run; {pagesToScan} pages every {KsmSleepMs} ms");
            }
        }
        else if (_ksmManaged && original is not null)
        {
            string[] saved = original.Split(' ');
            long Saved(int i, long fallback) => saved.Length > i && long.TryParse(saved[i], CultureInfo.InvariantCulture, out long v) ? v : fallback;
            long run = Saved(0, 0);
            string? failed = _ksm.Write("run", run) ?? _ksm.Write("pages_to_scan", Saved(1, 100)) ?? _ksm.Write("sleep_millisecs", Saved(2, 20));
            if (failed is not null)
            {
                LogKsmFailed(failed);
            }

            _db.DeleteMetaValue(KsmOriginalKey);
            _ksmManaged = false;
            LogKsmRestored(run);
            NoteKsm(run == 1 ? "KSM back to the host's setting (on): fewer than two guests run" : "KSM off (the host's setting): fewer than two guests run");
        }
    }
}
