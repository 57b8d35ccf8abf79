package dev.spectra.service.jobs.spec;

/**
 * What the validator needs to know about a dataset to size a model and its steps.
 *
 * @param features  input width (flattened)
 * @param classes   number of labels
 * @param height    image height, 0 for tabular data
 * @param width     image width, 0 for tabular data
 * @param channels  image channels, 0 for tabular data
 * @param trainRows examples in the training split
 */
public record DatasetShape(int features, int classes, int height, int width, int channels, long trainRows) {

    public boolean isImage() {
        return height > 0 && width > 0 && channels > 0;
    }
}
