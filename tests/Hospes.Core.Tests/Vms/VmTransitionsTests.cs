using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Core.Tests.Vms;

public class VmTransitionsTests
{
    /// <summary>
    /// The whole table, one row per action: which (state, QEMU) pairs allow it. Columns are the states in
    /// <see cref="VmState"/> order (Shutoff, Running, Paused, Preserved, Crashed, Saved), first without a QEMU, then with one;
    /// 'x' allows, '.' refuses.
    /// </summary>
    public static readonly TheoryData<VmAction, string, string> Table = new()
    {
        // action                      no QEMU   QEMU
        { VmAction.Start,            "x...xx", "......" },
        { VmAction.Pause,            "......", ".x...." },
        { VmAction.Unpause,          "......", "..x..." },
        { VmAction.Shutdown,         "......", ".x...." },
        { VmAction.Reboot,           "......", ".x...." },
        { VmAction.Destroy,          ".xxxxx", "xxxxxx" },
        { VmAction.Save,             "......", ".xx..." },
        { VmAction.Restore,          "xxxxxx", "......" },
        { VmAction.Snapshot,         "xxxxx.", ".xx..." },
        { VmAction.AttachConsole,    "......", ".xxxx." },
        { VmAction.MemSet,           "......", ".xx..." },
        { VmAction.Migrate,          "......", ".xx..." },
        { VmAction.ReceiveMigration, "xxxxxx", "......" },
        { VmAction.Delete,           "x...xx", "......" },
        { VmAction.MakeTemplate,     "x...x.", "......" },
        { VmAction.Monitor,          "......", ".xx..." },
        { VmAction.Hotplug,          "x...x.", ".xx..." },
        { VmAction.Rename,           "xxxxxx", "xxxxxx" },
        { VmAction.Any,              "xxxxxx", "xxxxxx" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void EachActionIsAllowedInExactlyTheStatesOfTheTable(VmAction action, string withoutQemu, string withQemu)
    {
        VmState[] states = Enum.GetValues<VmState>();
        for (int i = 0; i < states.Length; i++)
        {
            Assert.True(VmTransitions.IsAllowed(action, states[i], hasQemu: false) == (withoutQemu[i] == 'x'), $"{action} in {states[i]} without QEMU");
            Assert.True(VmTransitions.IsAllowed(action, states[i], hasQemu: true) == (withQemu[i] == 'x'), $"{action} in {states[i]} with QEMU");
        }
    }

    [Fact]
    public void TheTableCoversEveryAction() =>
        Assert.Equal(Enum.GetValues<VmAction>().Order(), Table.Select(row => (VmAction)row[0]).Order());

    [Theory]
    [InlineData(VmAction.Pause, VmState.Shutoff, false, "cannot pause web: it is shutoff; start it with `hospes start web`")]
    [InlineData(VmAction.Start, VmState.Paused, true, "cannot start web: it is paused; unpause it with `hospes unpause web`")]
    [InlineData(VmAction.Save, VmState.Saved, false, "cannot save web: it is saved; restore it with `hospes restore /srv/web.save` or `hospes start web`")]
    [InlineData(VmAction.Start, VmState.Crashed, true, "cannot start web: it is crashed; see `hospes console web --show-log`, then `hospes destroy web` and start it again")]
    [InlineData(VmAction.Shutdown, VmState.Preserved, true, "cannot shut down web: it is preserved; `hospes destroy web` releases it")]
    [InlineData(VmAction.ReceiveMigration, VmState.Running, true, "cannot receive a migration into web: it is running")]
    [InlineData(VmAction.AttachConsole, VmState.Shutoff, false, "cannot attach to the console of web: it is shutoff; `hospes console web --show-log` shows what it wrote")]
    [InlineData(VmAction.MemSet, VmState.Shutoff, false, "cannot mem-set web: it is shutoff; mem-set balloons a running guest. Start it first (`hospes start web`): the value set while it runs is kept for its next start")]
    [InlineData(VmAction.Migrate, VmState.Saved, false, "cannot migrate web: it is saved; migrate moves a running guest (as xl migrate does): start it first, or copy its config and disks to the other host")]
    [InlineData(VmAction.Migrate, VmState.Preserved, true, "cannot migrate web: it is preserved; `hospes destroy web` releases it")]
    [InlineData(VmAction.Delete, VmState.Running, true, "cannot delete web: it is running; shut it down or destroy it first, or use --force")]
    [InlineData(VmAction.MakeTemplate, VmState.Saved, false, "cannot make a template of web: it is saved and its disks belong to that save; restore and shut it down first")]
    [InlineData(VmAction.MakeTemplate, VmState.Paused, true, "cannot make a template of web (paused): its disks are in use; shut it down first (`hospes shutdown web`)")]
    public void ARefusal_NamesTheVm_ItsState_AndTheWayOut(VmAction action, VmState state, bool hasQemu, string message)
    {
        HospesError? refusal = VmTransitions.Check(action, new VmSubject("web", state, hasQemu, "/srv/web.save"));

        Assert.Equal(ErrorCode.InvalidState, refusal!.Code);
        Assert.Equal(message, refusal.Message);
    }

    [Fact]
    public void AnAllowedAction_HasNoRefusal() =>
        Assert.Null(VmTransitions.Check(VmAction.Pause, new VmSubject("web", VmState.Running, HasQemu: true)));

    [Fact]
    public void ACommandMayNameItsAction() =>
        Assert.Equal(
            "cannot create snapshot 'before' of web: it is saved; restore it with `hospes restore /srv/web.save` or `hospes start web`",
            VmTransitions.Check(VmAction.Snapshot, new VmSubject("web", VmState.Saved, false, "/srv/web.save"), "create snapshot 'before' of")!.Message);

    [Fact]
    public void AVmThatIsNoLongerHere_RefusesEveryAction_InEveryState()
    {
        foreach (VmPresence gone in new[] { VmPresence.Deleted, VmPresence.Migrated, VmPresence.Dropped })
        {
            foreach (VmAction action in Enum.GetValues<VmAction>())
            {
                foreach (VmState state in Enum.GetValues<VmState>())
                {
                    HospesError? refusal = VmTransitions.Check(action, new VmSubject("web", state, HasQemu: false, Presence: gone, Elsewhere: "host-b"));
                    Assert.True(refusal is { Code: ErrorCode.NotFound }, $"{action} of a {gone} VM in {state}");
                }
            }
        }
    }

    [Theory]
    [InlineData(VmPresence.Deleted, "cannot start web: it was deleted; `hospes create` defines it again")]
    [InlineData(VmPresence.Migrated, "cannot start web: it was migrated to host-b and runs there now; use `hospes` on host-b")]
    [InlineData(VmPresence.Dropped, "cannot start web: its incoming migration was dropped, so it is not on this host")]
    public void ARefusalOfAVmThatIsGone_SaysWhereItWent(VmPresence gone, string message) =>
        Assert.Equal(message, VmTransitions.Check(VmAction.Start, new VmSubject("web", VmState.Shutoff, false, Presence: gone, Elsewhere: "host-b"))!.Message);
}
