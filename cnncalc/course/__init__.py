"""The rest of the course arithmetic: boxes (IoU, NMS, YOLO), softmax and activations,
losses, and the style-transfer Gram matrix — each with its working shown."""
