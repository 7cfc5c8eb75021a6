namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>One step of an attempt: it learns one more fact about the event and returns the facts with it. Failures are thrown; the processor turns them into facts.</summary>
internal interface IWorkflowStep
{
    /// <summary>Its stage name (the timing and span the processor wraps it in); null for a step that runs stages of its own.</summary>
    string? Stage { get; }

    Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken);
}
