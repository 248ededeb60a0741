using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Tests.Shared;

namespace Hospes.Host.Tests.Vms;

public sealed class QemuUsersTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly StateDb _db;

    public QemuUsersTests() => _db = new StateDb(_dir.File("hospes.db"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EachVm_GetsAUidNoOtherVmHolds_AndKeepsItOnceRecorded()
    {
        var users = new QemuUsers(new UidRange(2_000_064_000, 2_000_064_009), _db);
        VmRecord a = Defined("a"), b = Defined("b");

        int ua = users.Claim(a).Value, ub = users.Claim(b).Value;
        Assert.NotEqual(ua, ub);
        _db.Update(a with { QemuUid = ua });

        // Another hospesd (a restart) sees the recorded uid as a's, and b's claim as free again.
        var restarted = new QemuUsers(new UidRange(2_000_064_000, 2_000_064_009), _db);
        Assert.Equal(ua, restarted.Claim(_db.LoadVms().Single(v => v.Name == "a")).Value);
        Assert.NotEqual(ua, restarted.Claim(Defined("c")).Value);
    }

    [Fact]
    public void AUidOfAUserOfTheHost_OrOfARunningProcess_IsNeverGiven()
    {
        // nobody (65534) is a user of every Debian host.
        Assert.Equal(65535, new QemuUsers(new UidRange(65534, 65535), _db).Claim(Defined("a")).Value);

        using Process other = Process.Start("setpriv", ["--reuid=2000064100", "--regid=2000064100", "--clear-groups", "sleep", "30"]);
        try
        {
            WaitUntil(() => File.Exists($"/proc/{other.Id}/status") && File.ReadAllText($"/proc/{other.Id}/status").Contains("2000064100", StringComparison.Ordinal));
            Assert.Equal(2_000_064_101, new QemuUsers(new UidRange(2_000_064_100, 2_000_064_101), _db).Claim(Defined("b")).Value);
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public void WhenNoUidIsFree_TheStartIsRefused_SayingWhichSettingToWiden()
    {
        var users = new QemuUsers(new UidRange(2_000_064_200, 2_000_064_200), _db);
        Assert.True(users.Claim(Defined("a")).IsOk);

        HospesError e = users.Claim(Defined("b")).Error!;

        Assert.Equal("b cannot start: no uid of qemu.uids (2000064200-2000064200) is free for its QEMU (1 held by other VMs, the rest by users, groups or processes of this host); widen qemu.uids in hospesd.conf", e.Message);
    }

    private VmRecord Defined(string name)
    {
        var r = new VmRecord { Spec = new VmSpec { Name = name, Uuid = Guid.NewGuid() }, CreatedAt = DateTimeOffset.UtcNow };
        Assert.True(_db.TryInsert(r));
        return r;
    }

    private static void WaitUntil(Func<bool> done)
    {
        for (int i = 0; i < 100 && !done(); i++)
        {
            Thread.Sleep(20);
        }
    }
}
