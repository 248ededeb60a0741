namespace Hospes.Qemu.Qmp;

/// <summary>QEMU's run state (query-status), reduced to what Hospes acts on.</summary>
public enum QemuRunState
{
    Running,
    Paused,

    /// <summary>The guest powered off or reset and QEMU waits (-action shutdown=pause) for Hospes to decide.</summary>
    Shutdown,
    GuestPanicked,

    /// <summary>Waiting for an incoming migration or a restore.</summary>
    InMigrate,

    /// <summary>Stopped after an outgoing migration or save completed.</summary>
    PostMigrate,
    Other,
}
