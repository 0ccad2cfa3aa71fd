namespace QueryRec.Serving.Recall;

/// <summary>Where a category-scoped list is read from.</summary>
internal enum CategoryScope
{
    /// <summary>The context category when one is given, else the global list.</summary>
    ContextOrGlobal,

    /// <summary>The context category only: nothing when no category is given.</summary>
    ContextOnly,

    /// <summary>The global list.</summary>
    Global,
}
