using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>on_poweroff (xm's on_shutdown), on_reboot and on_crash.</summary>
internal sealed class LifecycleKeys : IKeyGroup
{
    private const string Choices = "destroy, restart, preserve or rename-restart";

    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        // xmdomain.cfg(5) calls on_poweroff on_shutdown; on_poweroff wins when both are set.
        LifecycleAction onShutdown = ReadAction(context, "on_shutdown", LifecycleAction.Destroy);
        draft.OnPoweroff = ReadAction(context, "on_poweroff", onShutdown);
        draft.OnReboot = ReadAction(context, "on_reboot", LifecycleAction.Restart);
        draft.OnCrash = ReadAction(context, "on_crash", LifecycleAction.Destroy);
    }

    private static LifecycleAction ReadAction(ReadContext context, string key, LifecycleAction fallback)
    {
        if (context.Text(key, $"{key} = 'destroy'") is not { } setting)
        {
            return fallback;
        }

        switch (setting.Value.Trim().ToLowerInvariant())
        {
            case "destroy":
                return LifecycleAction.Destroy;
            case "restart":
                return LifecycleAction.Restart;
            case "preserve":
                return LifecycleAction.Preserve;
            case "rename-restart":
                return LifecycleAction.RenameRestart;
            case "coredump-destroy":
                context.Warning(setting.Source, $"{key}: Hospes does not write core dumps yet; coredump-destroy acts as destroy");
                return LifecycleAction.Destroy;
            case "coredump-restart":
                context.Warning(setting.Source, $"{key}: Hospes does not write core dumps yet; coredump-restart acts as restart");
                return LifecycleAction.Restart;
            case "soft-reset" when key == "on_reboot":
                context.Warning(setting.Source, $"{key}: soft-reset is Xen-only; the guest is restarted instead");
                return LifecycleAction.Restart;
            case "soft-reset":
                context.Error(setting.Source, $"{key}: soft-reset is Xen-only and only stands in for a reboot; use {Choices}");
                return fallback;
            default:
                context.Error(setting.Source, $"{key}: '{setting.Value}' is not an action; use {Choices}");
                return fallback;
        }
    }
}
