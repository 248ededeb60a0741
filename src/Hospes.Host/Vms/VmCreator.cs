using Hospes.Config;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.State;

namespace Hospes.Host.Vms;

/// <summary>`hospes create` and `hospes define`: a config file read strictly, the VM defined, and started when asked.</summary>
internal sealed class VmCreator(VmManager vms)
{
    /// <summary>Defines (and starts) the VM of a config; nothing is left of it when any step fails.</summary>
    /// <param name="policy">What the spec may use of the host: everything for root's own file, less for a user.</param>
    public async Task<Result<CreatedVm>> CreateAsync(XenConfigSource source, bool start, VmSpecPolicy policy, CancellationToken ct, string project = StateDb.DefaultProject, bool paused = false)
    {
        // A spec that may not name host paths is read without looking at the host's files, so a refusal never tells a user
        // whether a host file exists: the gate below refuses every host path alike.
        ConfigReadResult read = Read(source, strict: policy.HostPaths);
        if (read.Spec is null)
        {
            var errors = read.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            return new HospesError(ErrorCode.InvalidArgument, $"{source.FilePath}: {errors.Count} problem(s); nothing was created: {errors[0]}")
            {
                Details = [.. read.Diagnostics.Select(d => d.ToString())],
            };
        }

        VmSpec spec = VmIdentity.Complete(read.Spec);
        if (VmSpecValidator.Check(spec, policy) is { } invalid)
        {
            return invalid with { Message = $"{invalid.Message}; nothing was created" };
        }

        // All the project's limits at once, before anything is made (define and start check theirs again when it counts).
        if (vms.Quotas.Check(project, QuotaRequest.Create(spec.Name, spec.MemoryMib, spec.Vcpus, start)) is { } refused)
        {
            return refused with { Message = $"{refused.Message}; nothing was created" };
        }

        VmActor actor;
        await using (var revert = new Reverter())
        {
            Result<VmActor> defined = await vms.DefineAsync(spec, fullCopies: false, revert, ct, project).ConfigureAwait(false);
            if (!defined.IsOk)
            {
                return defined.Error;
            }

            actor = defined.Value;
            if (start)
            {
                Result<VmRecord> started = await actor.RunAsync(vms.Commands.Start(paused), ct).ConfigureAwait(false);
                if (!started.IsOk)
                {
                    return started.Error with { Message = $"{started.Error.Message}; nothing was created" };
                }
            }

            revert.Commit();
        }

        return new CreatedVm(actor, [.. read.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning)]);
    }

    /// <summary>Parses and validates without defining anything (`hospes config check`): the host's files need not exist.</summary>
    public ConfigReadResult Check(XenConfigSource source) => Read(source, strict: false);

    // The host's networks as define resolves them, so check reports a missing bridge as define refuses it.
    private ConfigReadResult Read(XenConfigSource source, bool strict) =>
        XenConfigReader.Read(source, new ConfigReadOptions { StrictHost = strict, Host = new HostFacts { Networks = vms.NetworkExists } });
}

/// <summary>A VM made from a config, and what the config check warned about.</summary>
internal sealed record CreatedVm(VmActor Vm, IReadOnlyList<ConfigDiagnostic> Warnings);
