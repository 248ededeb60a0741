using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>Hospes extensions accel and machine, and the HVM boot order (boot).</summary>
internal sealed class MachineKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        if (context.Text("accel", "accel = 'kvm'") is { } accel)
        {
            switch (accel.Value.Trim().ToLowerInvariant())
            {
                case "auto":
                    draft.Accel = Accelerator.Auto;
                    break;
                case "kvm":
                    draft.Accel = Accelerator.Kvm;
                    break;
                case "tcg":
                    draft.Accel = Accelerator.Tcg;
                    break;
                default:
                    context.Error(accel.Source, $"accel: '{accel.Value}' is not an accelerator; use 'auto', 'kvm' or 'tcg'");
                    break;
            }
        }

        if (context.Text("machine", "machine = 'q35'") is { } machine)
        {
            string name = machine.Value.Trim().ToLowerInvariant();
            if (SpecRules.Machines.Contains(name))
            {
                draft.Machine = name;
            }
            else
            {
                context.Error(machine.Source, $"machine: '{machine.Value}' is not supported; use 'microvm', 'q35' or 'pc', or leave it out to let Hospes choose");
            }
        }

        if (PlatformKeys.Flag(context, "forkable") is { } forkable)
        {
            draft.Forkable = forkable;
        }

        if (PlatformKeys.Flag(context, "ha") is { } ha)
        {
            draft.Ha = ha;
        }

        ReadBootOrder(context);
    }

    private static void ReadBootOrder(ReadContext context)
    {
        if (context.Text("boot", "boot = 'cd'") is not { } boot)
        {
            return;
        }

        string order = boot.Value.Trim().ToLowerInvariant();
        if (!SpecRules.IsBootOrder(order))
        {
            context.Error(boot.Source, $"boot: '{boot.Value}' is not a boot order; use the letters c (disk), d (cdrom) and n (network) once each, e.g. boot = 'cd'");
            return;
        }

        if (context.Draft.Boot != BootMode.Hvm)
        {
            context.Warning(boot.Source, "boot is ignored: only HVM guests boot through firmware; set type = 'hvm' to use it");
            return;
        }

        context.Draft.BootOrder = order;
    }
}
