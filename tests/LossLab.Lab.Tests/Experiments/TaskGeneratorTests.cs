using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Training;

namespace LossLab.Lab.Tests.Experiments;

/// <summary>The guide's other task rows: box regression and segmentation, generated, trained and scored.</summary>
public sealed class TaskGeneratorTests
{
    [Fact]
    public void Boxes_and_masks_have_the_stated_shape()
    {
        Dataset boxes = Builtins.Load("builtin:boxes:n=50");
        Assert.Equal(TaskKind.Boxes, boxes.Task);
        Assert.Equal((50, 8, 4), (boxes.Rows, boxes.Columns, boxes.TargetWidth));
        for (int i = 0; i < boxes.Rows; i++)
        {
            Assert.True(boxes.Targets[(4 * i) + 2] > boxes.Targets[4 * i] && boxes.Targets[(4 * i) + 3] > boxes.Targets[(4 * i) + 1]);
        }

        Dataset masks = Builtins.Load("builtin:masks:n=200,foreground=0.05");
        Assert.Equal((200, 10, 64), (masks.Rows, masks.Columns, masks.TargetWidth));
        Assert.InRange(masks.Targets.Average(), 0.02, 0.15);
        Assert.Contains("foreground=0.9 must lie in (0, 0.5]", Assert.Throws<DataException>(() => Builtins.Load("builtin:masks:foreground=0.9")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Box_metrics_and_segmentation_metrics_are_computed_as_defined()
    {
        // Predicted (0,0,2,2) vs true (1,1,3,3): intersection 1, union 7.
        var boxes = Metrics.Boxes([0, 0, 2, 2, 0, 0, 1, 1], [1, 1, 3, 3, 0, 0, 1, 1]);
        Assert.Equal(((1.0 / 7) + 1) / 2, boxes["mean_iou"], 12);
        // Logits > 0 are foreground: TP 1, FP 1, FN 1.
        var seg = Metrics.Segmentation([3, -1, 2, -4], [1, 1, 0, 0]);
        Assert.Equal(0.5, seg["dice"], 12);
        Assert.Equal(1.0 / 3, seg["iou"], 12);
    }

    [Fact]
    public void Box_regression_compares_smooth_l1_with_the_iou_losses()
    {
        CompareResult r = Compare.Run(Builtins.Load("builtin:boxes:n=300"), new CompareSettings
        {
            Losses = ["smooth_l1", "giou", "diou", "ciou"],
            Optimizers = ["adam"],
            LearningRates = [0.03, 0.1],
            Folds = 3,
            Epochs = 40,
        });
        Assert.Equal("mean_iou", r.Metric);
        Assert.Equal(4, r.Ranking.Count);
        Assert.All(r.Ranking, c => Assert.True(c.Mean > 0.7, $"{c.Loss}: mean IoU {c.Mean}"));
    }

    [Fact]
    public void On_an_imbalanced_foreground_dice_beats_per_pixel_bce_on_the_dice_metric()
    {
        CompareResult r = Compare.Run(Builtins.Load("builtin:masks:n=300,foreground=0.05"), new CompareSettings
        {
            Losses = ["bce_with_logits", "dice", "focal"],
            Optimizers = ["adam"],
            LearningRates = [0.03, 0.3],
            Folds = 3,
            Epochs = 40,
        });
        Assert.Equal("dice", r.Metric);
        double Dice(string loss) => r.Ranking.Single(c => c.Loss == loss).Mean;
        Assert.True(Dice("dice") > Dice("bce_with_logits"), $"dice {Dice("dice")} vs bce {Dice("bce_with_logits")}");
    }
}
