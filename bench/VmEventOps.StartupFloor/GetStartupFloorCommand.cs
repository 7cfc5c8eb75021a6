using System.Management.Automation;

namespace VmEventOps.StartupFloor;

/// <summary>The one cmdlet of the start-up floor module: binds a parameter and writes one object, nothing more.</summary>
[Cmdlet(VerbsCommon.Get, "StartupFloor")]
[OutputType(typeof(PSObject))]
public sealed class GetStartupFloorCommand : PSCmdlet
{
    /// <summary>A name to echo, so parameter binding runs as it does for any cmdlet.</summary>
    [Parameter]
    public string Name { get; set; } = "floor";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var result = new PSObject();
        result.Properties.Add(new PSNoteProperty("Name", Name));
        result.Properties.Add(new PSNoteProperty("ProcessId", Environment.ProcessId));
        WriteObject(result);
    }
}
